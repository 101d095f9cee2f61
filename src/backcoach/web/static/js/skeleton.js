// Drawing a 33-landmark body (BlazePose order) over the live camera picture. Landmarks are [x, y, z, visibility] with x, y normalised to the image size.
// Joints are named; the name list comes from the server (the one index-to-name mapping).

const BONES = [
  ["left_shoulder", "right_shoulder"], ["left_hip", "right_hip"],
  ["left_shoulder", "left_hip"], ["right_shoulder", "right_hip"],
  ["left_shoulder", "left_elbow"], ["left_elbow", "left_wrist"],
  ["right_shoulder", "right_elbow"], ["right_elbow", "right_wrist"],
  ["left_hip", "left_knee"], ["left_knee", "left_ankle"], ["left_ankle", "left_heel"],
  ["left_heel", "left_foot_index"], ["left_ankle", "left_foot_index"],
  ["right_hip", "right_knee"], ["right_knee", "right_ankle"], ["right_ankle", "right_heel"],
  ["right_heel", "right_foot_index"], ["right_ankle", "right_foot_index"],
  ["left_ear", "left_eye"], ["right_ear", "right_eye"], ["left_eye", "nose"], ["right_eye", "nose"],
];

const MIN_VISIBILITY = 0.3;

export class SkeletonPainter {
  /** names: the landmark names in model index order. */
  constructor(canvas, names, options = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.index = new Map(names.map((name, i) => [name, i]));
    this.lineWidth = options.lineWidth ?? 5;
    this.colours = { left: options.left ?? "#ffbf00", right: options.right ?? "#21d4fd",
      centre: options.centre ?? "#ffffff" };
    this.background = options.background ?? null;
  }

  clear() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.background) {
      ctx.fillStyle = this.background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
  }

  point(landmarks, name) {
    const lm = landmarks[this.index.get(name)];
    if (!lm || (lm.length > 3 && lm[3] < MIN_VISIBILITY)) return null;
    return [lm[0] * this.canvas.width, lm[1] * this.canvas.height];
  }

  colour(a, b) {
    if (a.startsWith("left") && b.startsWith("left")) return this.colours.left;
    if (a.startsWith("right") && b.startsWith("right")) return this.colours.right;
    return this.colours.centre;
  }

  /** Draw one frame; landmarks may be null (nobody found), which just clears. */
  draw(landmarks) {
    this.clear();
    if (!landmarks) return 0;
    const { ctx } = this;
    ctx.lineCap = "round";
    ctx.lineWidth = this.lineWidth;
    let drawn = 0;
    for (const [a, b] of BONES) {
      const p = this.point(landmarks, a);
      const q = this.point(landmarks, b);
      if (!p || !q) continue;
      ctx.strokeStyle = "rgba(0,0,0,0.55)";
      ctx.lineWidth = this.lineWidth + 3;
      ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(q[0], q[1]); ctx.stroke();
      ctx.strokeStyle = this.colour(a, b);
      ctx.lineWidth = this.lineWidth;
      ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(q[0], q[1]); ctx.stroke();
      drawn += 1;
    }
    const head = this.point(landmarks, "nose");
    if (head) {
      ctx.fillStyle = this.colours.centre;
      ctx.beginPath(); ctx.arc(head[0], head[1], this.lineWidth * 1.6, 0, 2 * Math.PI); ctx.fill();
    }
    return drawn;
  }
}
