// Thin view of minigrad's explorers (GraphExplorer, GradientDescentExplorer).
// Everything is computed in Python: this module draws the traits `svg`, `status`, `details`,
// `buttons` and `sliders`, and sends back button presses ({action}), slider values and node
// clicks (the `selected` trait). Stable hooks for tests: [data-action], [data-trait],
// .mg-svg, .mg-details, .mg-status, and data-rendered on the root (the kernel's counter).

const CSS = `
.mg-explorer { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px;
  color: var(--jp-ui-font-color1, #1f2328); }
.mg-explorer .mg-toolbar, .mg-explorer .mg-sliders { display: flex; flex-wrap: wrap;
  gap: 6px; align-items: center; margin: 4px 0; }
.mg-explorer button { padding: 3px 10px; border: 1px solid #8c959f; border-radius: 4px;
  background: var(--jp-layout-color1, #f6f8fa); color: inherit; cursor: pointer; }
.mg-explorer button:disabled { opacity: 0.45; cursor: default; }
.mg-explorer label.mg-slider { display: flex; gap: 6px; align-items: center; }
.mg-explorer input[type=range] { width: 260px; }
.mg-explorer .mg-slider-value { min-width: 4em; font-family: monospace; }
.mg-explorer .mg-status { margin: 4px 0; font-weight: 600; }
.mg-explorer .mg-main { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.mg-explorer .mg-svg { flex: 1 1 420px; min-width: 0; overflow: auto; }
.mg-explorer .mg-svg svg { max-width: 100%; height: auto; }
.mg-explorer.mg-graph-explorer .mg-svg [data-node-id] { cursor: pointer; }
.mg-explorer .mg-details { flex: 0 1 360px; font-size: 12px; }
.mg-explorer .mg-details:empty { display: none; }
.mg-explorer .mg-details h4 { margin: 0 0 4px; }
.mg-explorer .mg-details table { border-collapse: collapse; }
.mg-explorer .mg-details th { text-align: left; padding-right: 8px; font-weight: normal;
  color: var(--jp-ui-font-color2, #6e7781); }
.mg-explorer .mg-details ul { margin: 2px 0 6px; padding-left: 16px; }
.mg-explorer .mg-details code { white-space: pre-wrap; }
`;

function make(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.append(node);
  return node;
}

function render({ model, el }) {
  const root = make("div", "mg-explorer", el);
  make("style", "", root).textContent = CSS;
  const toolbar = make("div", "mg-toolbar", root);
  const sliders = make("div", "mg-sliders", root);
  const status = make("div", "mg-status", root);
  const main = make("div", "mg-main", root);
  const picture = make("div", "mg-svg", main);
  const details = make("div", "mg-details", main);
  const subs = [];
  let sliderSubs = [];

  const on = (event, cb, list = subs) => {
    model.on(event, cb);
    list.push([event, cb]);
  };

  function drawKind() {
    root.className = `mg-explorer ${model.get("kind") || ""}`;
  }

  function drawButtons() {
    toolbar.replaceChildren(...model.get("buttons").map((b) => {
      const btn = make("button", "mg-button");
      btn.type = "button";
      btn.dataset.action = b.action;
      btn.textContent = b.label;
      btn.title = b.title || "";
      btn.disabled = !!b.disabled;
      btn.addEventListener("click", () => model.send({ action: b.action }));
      return btn;
    }));
  }

  function drawSliders() {
    for (const [event, cb] of sliderSubs) model.off(event, cb);
    sliderSubs = [];
    sliders.replaceChildren(...model.get("sliders").map((s) => {
      const label = make("label", "mg-slider");
      label.dataset.trait = s.trait;
      make("span", "mg-slider-label", label).textContent = s.label;
      const input = make("input", "", label);
      const shown = make("span", "mg-slider-value", label);
      const toPos = (v) => (s.log ? Math.log10(v) : v);
      input.type = "range";
      input.dataset.trait = s.trait;
      input.min = toPos(s.min);
      input.max = toPos(s.max);
      input.step = s.log ? 0.01 : s.step ?? 1;
      const show = () => {
        const v = model.get(s.trait);
        input.max = toPos(s.max);
        input.value = toPos(v);
        shown.textContent = s.log ? Number(v).toPrecision(3) : String(v);
      };
      input.addEventListener("input", () => {
        const pos = Number(input.value);
        const value = s.log ? 10 ** pos : s.step === 1 ? Math.round(pos) : pos;
        model.set(s.trait, value);
        model.save_changes();
      });
      on(`change:${s.trait}`, show, sliderSubs);
      show();
      return label;
    }));
  }

  function drawPicture() {
    picture.innerHTML = model.get("svg");
    root.dataset.rendered = String(model.get("rendered"));
  }

  function drawTexts() {
    status.textContent = model.get("status");
    details.innerHTML = model.get("details");
  }

  picture.addEventListener("click", (event) => {
    const current = model.get("selected");
    if (current === undefined || current === null) return; // this explorer has no selection
    const hit = event.target.closest("[data-node-id]");
    const id = hit ? hit.dataset.nodeId : "";
    model.set("selected", id === current ? "" : id);
    model.save_changes();
  });

  drawKind();
  drawButtons();
  drawSliders();
  drawPicture();
  drawTexts();
  on("change:kind", drawKind);
  on("change:buttons", drawButtons);
  on("change:sliders", drawSliders);
  on("change:svg", drawPicture);
  on("change:rendered", drawPicture);
  on("change:status", drawTexts);
  on("change:details", drawTexts);

  return () => {
    for (const [event, cb] of [...subs, ...sliderSubs]) model.off(event, cb);
  };
}

export default { render };
