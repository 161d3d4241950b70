// View of minigrad.widgets.Trainer: draws what the kernel computed (heat map, neuron
// thumbnails, loss curves) on canvas and sends control changes back. No training here.

const CSS = `
.mg-tr { font: 12px system-ui, sans-serif; color: #333; display: inline-block; }
.mg-tr-bar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-bottom: 6px; }
.mg-tr-bar label { display: inline-flex; gap: 4px; align-items: center; }
.mg-tr button { font: inherit; padding: 2px 8px; cursor: pointer; }
.mg-tr-main { display: flex; gap: 16px; align-items: flex-start; }
.mg-tr-net { display: flex; gap: 10px; align-items: flex-start; }
.mg-tr-col { display: flex; flex-direction: column; gap: 4px; align-items: center; }
.mg-tr-col canvas, .mg-tr-out canvas { border: 1px solid #ccc; image-rendering: auto; }
.mg-tr-out { display: flex; flex-direction: column; gap: 4px; }
.mg-tr-epoch { font-variant-numeric: tabular-nums; min-width: 8em; }
.mg-tr-sentinel { color: #999; font-size: 10px; }
`;
const ORANGE = [245, 147, 34], WHITE = [232, 234, 235], BLUE = [8, 119, 189];
const LUT = new Uint8ClampedArray(256 * 3);
for (let i = 0; i < 256; i++) {
  const s = i / 255, [a, b, u] = s < 0.5 ? [ORANGE, WHITE, s * 2] : [WHITE, BLUE, s * 2 - 1];
  for (let c = 0; c < 3; c++) LUT[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * u);
}

function bytes(v) {  // a synced Bytes trait arrives as a DataView (or ArrayBuffer)
  if (!v) return new Uint8Array(0);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
function floats(v) {
  const b = bytes(v);
  return new Float32Array(b.slice().buffer);  // copy: the offset may not be 4-aligned
}
function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}
function paint(canvas, values, size) {  // uint8 grid -> colours, scaled smoothly to the canvas
  const off = document.createElement("canvas");
  off.width = off.height = size;
  const ctx = off.getContext("2d"), img = ctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const v = values[i] * 3;
    img.data.set([LUT[v], LUT[v + 1], LUT[v + 2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  const out = canvas.getContext("2d");
  out.imageSmoothingEnabled = true;
  out.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function render({ model, el }) {
  const L = (k) => (model.get("labels") || {})[k] || k;
  const set = (k, v) => { model.set(k, v); model.save_changes(); };
  const send = (action) => model.send({ action });
  const subs = [];
  const listen = (ev, fn) => { model.on(ev, fn); subs.push([ev, fn]); };
  const choices = model.get("choices") || {};
  const root = h("div", { class: "mg-tr", dataset: { rendered: "0", frame: "0" } });
  el.append(h("style", {}, CSS), root);

  const select = (key, opts, fmt = String) => {
    const s = h("select", { onchange: () => set(key, typeof opts[0] === "number" ? Number(s.value) : s.value) });
    const sync = () => {
      const cur = model.get(key), all = opts.includes(cur) ? opts : [...opts, cur];
      s.replaceChildren(...all.map((o) => h("option", { value: o }, fmt(o))));
      s.value = String(cur);
    };
    sync();
    listen(`change:${key}`, sync);
    return h("label", { dataset: { control: key } }, L(`trainer.${key}`), s);
  };
  const range = (key, min, max, stepv, digits) => {
    const out = h("span", {});
    const r = h("input", { type: "range", min, max, step: stepv, onchange: () => set(key, Number(r.value)),
      oninput: () => { out.textContent = Number(r.value).toFixed(digits); } });
    const sync = () => { r.value = model.get(key); out.textContent = Number(model.get(key)).toFixed(digits); };
    sync();
    listen(`change:${key}`, sync);
    return h("label", { dataset: { control: key } }, L(`trainer.${key}`), r, out);
  };

  const play = h("button", { dataset: { action: "play" }, onclick: () => send(play.dataset.action) });
  const showRunning = () => {
    const on = model.get("running");
    play.dataset.action = on ? "pause" : "play";
    play.textContent = L(on ? "pause" : "play");
    play.title = L(on ? "trainer.pause.tip" : "trainer.play.tip");
  };
  showRunning();
  listen("change:running", showRunning);
  const epochText = h("span", { class: "mg-tr-epoch" });
  const buttons = h("span", { dataset: { control: "buttons" } },
    h("button", { dataset: { action: "reset" }, title: L("trainer.reset.tip"), onclick: () => send("reset") }, L("reset")),
    " ", play, " ",
    h("button", { dataset: { action: "step" }, title: L("trainer.step.tip"), onclick: () => send("step") }, L("step")));
  root.append(h("div", { class: "mg-tr-bar" }, buttons, epochText,
    select("dataset", choices.dataset || []),
    range("noise", 0, 0.5, 0.05, 2),
    select("activation", choices.activation || []),
    select("lr", choices.lr || []),
    range("batch_size", 1, 30, 1, 0),
    select("init", choices.init || [], (o) => L(`trainer.init.${o}`)),
    select("optimizer", choices.optimizer || [])));

  // network: one column of neuron thumbnails per hidden layer, with +/- buttons
  const net = h("div", { class: "mg-tr-net", dataset: { control: "hidden" } });
  const thumbs = h("div", { class: "mg-tr-net", dataset: { control: "thumbnails" } });
  let cells = [];
  const editLayers = (fn) => { const hs = [...model.get("hidden")]; fn(hs); set("hidden", hs); };
  const buildNet = () => {
    const sizes = model.get("layer_sizes") || [];
    const nl = sizes.length;
    net.replaceChildren(
      h("span", {}, `${L("trainer.hidden")}: ${nl}`),
      h("button", { title: L("trainer.add_layer"), onclick: () => editLayers((a) => { if (a.length < 6) a.push(2); }) }, "+"),
      h("button", { title: L("trainer.remove_layer"), onclick: () => editLayers((a) => a.pop()) }, "−"));
    cells = [];
    thumbs.replaceChildren(...sizes.map((k, li) => {
      const col = h("div", { class: "mg-tr-col" },
        h("span", { dataset: { control: "hidden" } },  // hidden with the layer controls
          h("button", { title: L("trainer.add_neuron"), onclick: () => editLayers((a) => { if (a[li] < 8) a[li]++; }) }, "+"),
          h("button", { title: L("trainer.remove_neuron"), onclick: () => editLayers((a) => { if (a[li] > 1) a[li]--; }) }, "−")),
        h("span", {}, `${k} ${L("trainer.neurons")}`));
      for (let j = 0; j < k; j++) {
        const c = h("canvas", { width: 40, height: 40, title: L("trainer.neuron.tip").replace("{layer}", li + 1).replace("{neuron}", j + 1) });
        cells.push(c);
        col.append(c);
      }
      return col;
    }));
  };
  buildNet();

  const heat = h("canvas", { width: 260, height: 260, class: "mg-tr-heat" });
  const loss = h("canvas", { width: 260, height: 64, class: "mg-tr-loss" });
  const lossText = h("span", {});
  const sentinel = h("span", { class: "mg-tr-sentinel" });
  root.append(h("div", { class: "mg-tr-main" },
    h("div", {}, net, thumbs),
    h("div", { class: "mg-tr-out" }, h("b", {}, L("trainer.output")), heat,
      h("div", { dataset: { control: "loss" } }, loss, h("br"), lossText), sentinel)));

  const hide = () => {
    const hidden = new Set(model.get("hide") || []);
    root.querySelectorAll("[data-control]").forEach((e) => {
      e.style.display = hidden.has(e.dataset.control) ? "none" : "";
    });
  };

  function drawHeat() {
    const n = model.get("grid_size");
    paint(heat, bytes(model.get("grid")), n);
    const [x0, x1, y0, y1] = model.get("bounds");
    const p = floats(model.get("points")), ctx = heat.getContext("2d");
    for (let i = 0; i + 3 < p.length; i += 4) {
      const px = ((p[i] - x0) / (x1 - x0)) * heat.width, py = ((y1 - p[i + 1]) / (y1 - y0)) * heat.height;
      ctx.beginPath();
      ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${(p[i + 2] > 0.5 ? BLUE : ORANGE).join(",")})`;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = p[i + 3] > 0.5 ? "#000" : "#fff";
      ctx.stroke();
    }
  }
  function drawThumbs() {
    const t = model.get("thumb_size"), v = bytes(model.get("neurons"));
    cells.forEach((c, i) => { if (v.length >= (i + 1) * t * t) paint(c, v.subarray(i * t * t, (i + 1) * t * t), t); });
  }
  function drawLoss() {
    const c = floats(model.get("curve")), m = c.length / 2, ctx = loss.getContext("2d");
    const W = loss.width, H = loss.height;
    ctx.clearRect(0, 0, W, H);
    let top = 1e-9;
    for (const v of c) if (Number.isFinite(v)) top = Math.max(top, v);
    [[0, "#999"], [m, "#000"]].forEach(([off, colour]) => {
      ctx.beginPath();
      for (let i = 0; i < m; i++) {
        const x = m > 1 ? (i / (m - 1)) * (W - 2) + 1 : 1, y = H - 2 - (Math.min(c[off + i], top) / top) * (H - 4);
        i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
      }
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    });
    const fmt = (v) => (v >= 1e9 ? "∞" : v.toFixed(3));
    lossText.textContent = `${L("trainer.test_loss")} ${fmt(model.get("test_loss"))} · ` +
      `${L("trainer.train_loss")} ${fmt(model.get("train_loss"))}`;
  }

  let pending = false, netKey = "";
  function draw() {
    pending = false;
    const key = JSON.stringify(model.get("layer_sizes"));
    if (key !== netKey) { netKey = key; buildNet(); hide(); }
    drawHeat();
    drawThumbs();
    drawLoss();
    epochText.textContent = `${L("trainer.epoch")} ${String(model.get("epoch")).padStart(6, "0")}`;
    const frame = model.get("frame");
    root.dataset.frame = String(frame);
    root.dataset.rendered = String(frame);
    sentinel.textContent = `rendered ${frame}`;
    if (model.get("rendered") !== frame) set("rendered", frame);
  }
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(draw); } };
  listen("change:frame", schedule);
  listen("change:hide", hide);
  hide();
  draw();
  return () => subs.forEach(([ev, fn]) => model.off(ev, fn));
}

export default { render };
