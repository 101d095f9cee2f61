// When the camera cannot start (none, refused, busy, or a page the browser will not give one
// to): say in plain words what happened and what to do, instead of the browser's own error, and
// that a guided session works without a camera. Shared by the setup and practice pages.

/** The browser's error, as what happened and what to do about it. */
export function explainCameraError(error) {
  const name = error?.name ?? "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return {
      kind: "refused",
      what: "The browser did not let this page use the camera.",
      fix: "To allow it: click the camera or padlock symbol at the left of the address bar, " +
        "set Camera to Allow, then reload this page. On a phone, also check that the browser " +
        "may use the camera in the phone's settings.",
    };
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return {
      kind: "none",
      what: "No camera was found on this device.",
      fix: "Connect a camera (or use a device that has one), then press Start the camera again.",
    };
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return {
      kind: "busy",
      what: "The camera is busy: another app or browser tab may be using it.",
      fix: "Close the other app or tab, then press Start the camera again.",
    };
  }
  if (name === "NoCameraApi") {
    return {
      kind: "unavailable",
      what: "This browser cannot use a camera on this page.",
      fix: "Browsers only give a camera to secure pages: open the app on the computer that " +
        "runs it, or on a phone through the page \"Use a phone as the camera\" (/lan).",
    };
  }
  return {
    kind: "failed",
    what: "The camera could not be started.",
    fix: "Check that it is connected and not used elsewhere, then press Start the camera again.",
  };
}

/** Fill ``box`` (a hidden notice on the page) with the explanation and show it. */
export function showCameraProblem(box, error) {
  const { kind, what, fix } = explainCameraError(error);
  box.replaceChildren();
  box.dataset.kind = kind;
  const head = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = what;
  head.append(strong);
  const steps = document.createElement("p");
  steps.textContent = fix;
  const without = document.createElement("p");
  const link = document.createElement("a");
  link.href = "/session";
  link.textContent = "guided session";
  without.append("You can exercise without a camera: a ", link,
    " guides you through each repetition on a timer, and the Next button moves you on.");
  box.append(head, steps, without);
  box.classList.remove("hidden");
}

export function hideCameraProblem(box) {
  box.classList.add("hidden");
  box.replaceChildren();
}

/** The camera did not start on a page with the usual ids (setup, practice): hide the empty
 * video box, explain what happened, and let the person try again. */
export function cameraDidNotStart(error) {
  document.getElementById("camera-panel").classList.add("hidden");
  showCameraProblem(document.getElementById("camera-problem"), error);
  document.getElementById("camera-start").disabled = false;
}
