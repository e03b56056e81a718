// What every page must pass in the browser, checked on each page the flows visit:
// - no inline script, no inline event handler, no style attribute (the CSP forbids them, and
//   the page must not need them);
// - every form control has a visible label (or, for a control whose label is the text around
//   it, an accessible name);
// - text meets WCAG AA contrast against what is painted behind it (4.5:1, 3:1 for large
//   text); drawings and charts (SVG) are the renderer's and are not part of this check;
// - nothing spills out sideways: the page never scrolls horizontally (wide content scrolls in
//   its own container) and no box's content is wider than the box.
// `pageProblems` runs in the page and returns a list of problems as text.

export function pageProblems() {
  const problems = [];
  const where = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  // Scripts and styles.
  document.querySelectorAll('script').forEach((s) => {
    if (!s.src && s.type !== 'application/json') problems.push('inline script: ' + where(s));
  });
  document.querySelectorAll('*').forEach((el) => {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) problems.push(`inline handler ${a.name}: ${where(el)}`);
      // (Taking a screenshot leaves an empty `style` on controls: only a value counts.)
      if (a.name === 'style' && a.value.trim()) problems.push('style attribute: ' + where(el));
    }
  });
  // Labels.
  document.querySelectorAll('input, select, textarea').forEach((c) => {
    if (c.type === 'hidden' || c.hidden || c.closest('[hidden]')) return;
    const labelled = (c.labels && c.labels.length > 0) || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
    if (!labelled) problems.push('control without a label: ' + where(c));
  });
  // Contrast.
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(',').map((x) => parseFloat(x));
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const behind = (el) => {
    let layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255 };
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i];
      out = { r: l.r * l.a + out.r * (1 - l.a), g: l.g * l.a + out.g * (1 - l.a), b: l.b * l.a + out.b * (1 - l.a) };
    }
    return out;
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || seen.has(el) || el.closest('svg, [hidden], .visually-hidden, option, dialog:not([open])')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.opacity) === 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (el.closest('.card.filtered')) continue;
    const fg = parse(style.color);
    if (!fg) continue;
    const bg = behind(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const needed = large ? 3 : 4.5;
    const faded = el.closest('button:disabled');
    if (ratio < needed && !faded) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${where(el)} (${style.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}))`);
    }
  }
  // Overflow.
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  // Containers that scroll on purpose, and controls, which scroll their own text.
  const scrollers = '.board, .table-wrap, .drawing, .cards, .gutter, .diagnostics, dialog, .editor-text, input, select, textarea';
  document.querySelectorAll('main *').forEach((el) => {
    if (el.closest('svg')) return;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'none') return;
    if (el.matches(scrollers) || style.overflowX === 'auto' || style.overflowX === 'scroll' || style.overflowX === 'hidden') return;
    if (el.closest('.card.filtered, [hidden]')) return;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      problems.push(`content wider than its box (${el.scrollWidth} > ${el.clientWidth}): ${where(el)}`);
    }
  });
  return problems;
}
