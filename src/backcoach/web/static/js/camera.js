// Live camera coaching: the webcam's frames go as JPEG over a WebSocket to the local server,
// which answers with landmarks and movement events (docs/websocket-protocol.md). One frame is
// in flight at a time and the server keeps only the newest, so feedback never lags behind.
import { SkeletonPainter } from "./skeleton.js";

const SEND_WIDTH = 640;
const SEND_HEIGHT = 360;
const MAX_IN_FLIGHT = 1;
const MAX_FPS = 20;

export class LiveCamera {
  constructor({ video, overlay, url, onResult, onStatus, onClose, onReady, onMessage }) {
    this.video = video;
    this.overlay = overlay;
    this.url = url;
    this.onResult = onResult ?? (() => {});
    this.onStatus = onStatus ?? (() => {});
    this.onClose = onClose ?? (() => {});
    this.onReady = onReady ?? (() => {});
    this.onMessage = onMessage ?? (() => {}); // the setup page's camera_check and calibration
    this.capture = document.createElement("canvas");
    this.capture.width = SEND_WIDTH;
    this.capture.height = SEND_HEIGHT;
    this.sent = 0;
    this.lastSeq = 0;
    this.lastSentAt = 0;
    this.painter = null;
    this.running = false;
    this.stats = { results: 0, events: 0, posesFound: 0, drawn: 0 };
  }

  async start() {
    if (!navigator.mediaDevices?.getUserMedia) {
      const error = new Error("this browser cannot use a camera here; carry on without it");
      error.name = "NoCameraApi"; // an insecure page (http from another device), or no camera API
      throw error;
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: SEND_WIDTH }, height: { ideal: SEND_HEIGHT } }, audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${location.host}${this.url}`);
    this.socket.binaryType = "arraybuffer";
    this.socket.addEventListener("message", (event) => this.receive(event));
    this.socket.addEventListener("close", (event) => {
      this.running = false;
      this.onClose(event);
    });
    this.running = true;
    this.onStatus("Connecting to the coach…");
    this.loop();
  }

  receive(event) {
    const message = JSON.parse(event.data);
    if (message.type === "ready") {
      this.painter = new SkeletonPainter(this.overlay, message.landmark_names);
      this.onStatus("Camera on. Stand or lie so your whole body is in view.");
      this.onReady(message);
    } else if (message.type === "result") {
      this.lastSeq = Math.max(this.lastSeq, message.seq);
      this.stats.results += 1;
      this.stats.events += message.events.length;
      if (message.landmarks) this.stats.posesFound += 1;
      this.draw(message.landmarks);
      this.onResult(message);
    } else if (message.type === "error") {
      this.onStatus(`The camera coach stopped: ${message.message}`);
    } else {
      this.onMessage(message);
    }
  }

  /** Send a JSON request (the setup page's check, calibrate, cancel); false if not connected. */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  draw(landmarks) {
    if (!this.painter) return;
    const width = this.video.videoWidth || SEND_WIDTH;
    const height = this.video.videoHeight || SEND_HEIGHT;
    if (this.overlay.width !== width) this.overlay.width = width;
    if (this.overlay.height !== height) this.overlay.height = height;
    if (this.painter.draw(landmarks) > 0) this.stats.drawn += 1;
    this.overlay.dataset.drawn = String(this.stats.drawn);
  }

  loop() {
    if (!this.running) return;
    const now = performance.now();
    const ready = this.socket.readyState === WebSocket.OPEN && this.painter !== null;
    const inFlight = this.sent - this.lastSeq;
    if (ready && inFlight < MAX_IN_FLIGHT && now - this.lastSentAt >= 1000 / MAX_FPS &&
        this.video.readyState >= 2) {
      this.lastSentAt = now;
      this.sendFrame();
    }
    this.timer = setTimeout(() => this.loop(), 10);
  }

  sendFrame() {
    const ctx = this.capture.getContext("2d");
    ctx.drawImage(this.video, 0, 0, SEND_WIDTH, SEND_HEIGHT);
    this.sent += 1;
    this.capture.toBlob((blob) => {
      if (blob && this.socket.readyState === WebSocket.OPEN) this.socket.send(blob);
    }, "image/jpeg", 0.7);
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000, "done");
    this.stream?.getTracks().forEach((track) => track.stop());
  }
}
