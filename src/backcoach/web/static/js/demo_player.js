// The demonstration of an exercise: a looping clip rendered from the exercise's motion definition
// (static/demos/<id>.webm|mp4), its still for people who ask for reduced motion, and the steps as
// text when no clip ships. The server lists the files present, so nothing missing is requested.
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function stepsList(steps, message) {
  if (!steps.length) {
    const text = document.createElement("p");
    text.className = "demo-missing";
    text.textContent = message;
    return text;
  }
  const list = document.createElement("ol");
  list.className = "steps demo-steps";
  for (const text of steps) {
    const item = document.createElement("li");
    item.textContent = text;
    list.append(item);
  }
  return list;
}

function still(assets, label) {
  const image = document.createElement("img");
  image.src = assets.still;
  image.alt = label;
  image.className = "demo-media";
  return image;
}

function clip(assets, label) {
  const video = document.createElement("video");
  video.className = "demo-media";
  Object.assign(video, { muted: true, loop: true, autoplay: true, playsInline: true });
  video.setAttribute("muted", "");
  video.setAttribute("aria-label", label);
  if (assets.still) video.poster = assets.still;
  for (const { src, type } of assets.videos) {
    const source = document.createElement("source");
    Object.assign(source, { src, type });
    video.append(source);
  }
  video.play().catch(() => {}); // autoplay refused: the poster stays, the controls are below
  return video;
}

/** Shrink the steps text until it fits its box (the box changes with the screen size). */
function fitSteps(box) {
  const list = box.querySelector(".demo-steps");
  if (!list || !box.clientHeight) return;
  list.style.fontSize = "";
  let size = parseFloat(getComputedStyle(list).fontSize);
  while (list.scrollHeight > box.clientHeight && size > 12) {
    size -= 1;
    list.style.fontSize = `${size}px`;
  }
}

/** Show the demonstration of one exercise in ``box``; returns what was shown. */
export function showDemo(box, assets, { name, steps = [], message = "" } = {}) {
  const key = assets?.exercise_id ?? String(name);
  if (box.dataset.exercise === key && box.dataset.motion === String(!reducedMotion.matches)) {
    const video = box.querySelector("video");
    if (video?.paused) video.play().catch(() => {});
    if (box.dataset.kind === "steps" && box.clientHeight !== Number(box.dataset.fitted)) {
      fitSteps(box);
      box.dataset.fitted = String(box.clientHeight);
    }
    return box.dataset.kind;
  }
  const label = `Demonstration of the ${String(name ?? "exercise").toLowerCase()}`;
  let kind = "steps";
  let media = null;
  if (assets?.videos?.length && !reducedMotion.matches) {
    kind = "clip";
    media = clip(assets, label);
  } else if (assets?.still) {
    kind = "still";
    media = still(assets, label);
  } else {
    media = stepsList(steps, message);
  }
  box.replaceChildren(media);
  box.dataset.exercise = key;
  box.dataset.kind = kind;
  box.dataset.motion = String(!reducedMotion.matches);
  if (kind === "steps") {
    fitSteps(box);
    box.dataset.fitted = String(box.clientHeight);
  }
  return kind;
}

/** The small picture of where the camera goes, with its sentence; empty when none ships. */
export function showPlacement(box, assets, text) {
  box.replaceChildren();
  if (assets?.placement) {
    const image = document.createElement("img");
    image.src = assets.placement;
    image.alt = "Where to put the camera";
    box.append(image);
  }
  if (text) {
    const caption = document.createElement("p");
    caption.textContent = text;
    box.append(caption);
  }
}

export function pauseDemo(box) {
  box.querySelector("video")?.pause();
}

// Exercise pages: a figure with data-demo (the assets) and data-steps enhances itself.
for (const figure of document.querySelectorAll("[data-demo]")) {
  const assets = JSON.parse(figure.dataset.demo);
  const box = figure.querySelector(".demo-box");
  const message = box.textContent.trim();
  const render = () => showDemo(box, assets, { name: figure.dataset.name, message });
  render();
  reducedMotion.addEventListener("change", render);
  const placement = figure.querySelector(".placement");
  if (placement) showPlacement(placement, assets, placement.dataset.text);
}
