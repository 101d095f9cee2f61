// Runs in the audio thread: averages the microphone's samples down to 16 kHz and posts 100 ms
// chunks of 16-bit PCM to the page (voice.js), which sends them over /ws/voice.
class Downsampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 16000; // input samples per output sample (1 when already 16 kHz)
    this.acc = 0;
    this.count = 0;
    this.phase = 0;
    this.chunk = new Int16Array(1600);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.acc += channel[i];
      this.count += 1;
      this.phase += 1;
      if (this.phase >= this.step) {
        this.phase -= this.step;
        const value = Math.max(-1, Math.min(1, this.acc / this.count));
        this.chunk[this.filled++] = Math.round(value * 32767);
        this.acc = 0;
        this.count = 0;
        if (this.filled === this.chunk.length) {
          this.port.postMessage(this.chunk.buffer, [this.chunk.buffer]);
          this.chunk = new Int16Array(1600);
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("backcoach-downsampler", Downsampler);
