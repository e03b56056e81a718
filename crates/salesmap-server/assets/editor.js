// The map editor, live: as the text changes, the map is checked by the server's checker
// (POST /api/v1/pipelines/{key}/check, nothing saved) and the page shows the diagnostics at
// their lines (marked beside the text), the drawing, and which open deals the new version
// would move and where. Saving stays a plain form post; it is enabled only when the map has
// no error and differs from the published version.
'use strict';

(function () {
  var sm = window.salesmap;
  var form = document.getElementById('editor-form');
  if (!sm || !form) return;
  var text = document.getElementById('source');
  var gutter = form.querySelector('.gutter');
  var list = document.getElementById('diagnostics');
  var summary = document.getElementById('check-summary');
  var preview = document.getElementById('preview');
  var relocations = document.getElementById('relocations');
  var save = document.getElementById('save');
  var key = form.dataset.pipeline;
  var lang = form.dataset.lang;
  var ko = lang === 'ko';
  var words = ko ? {
    line: '줄', error: '오류', warning: '경고', info: '참고', help: '도움말', go: '이 줄로 가기',
    clean: '문제가 없습니다.', warnOnly: '오류 없음, 경고 {w}개: 저장할 수 있습니다.',
    errors: '오류 {e}개, 경고 {w}개: 저장하려면 오류를 고치세요.', same: '(게시된 버전과 같습니다.)',
    checking: '검사 중…', failed: '검사하지 못했습니다: {why}',
    moves: '이 버전이 옮기는 진행 중 거래',
    movesNote: '아래 단계에 진행 중인 거래가 있지만 새 맵에는 거래가 머물 수 있는 단계로 없습니다. 각 단계의 거래가 갈 곳을 고르세요. 버전을 저장할 때 옮겨지고 각 이동은 기록·감사됩니다.',
    stageNow: '현재 단계', open: '진행 중 거래', inNew: '새 맵에서', goTo: '옮길 단계',
    removed: '삭제됨', renamed: '이름 바뀜', 'now-outcome': '결과 단계로 바뀜', whereGo: '{name}의 거래가 갈 단계'
  } : {
    line: 'line', error: 'error', warning: 'warning', info: 'note', help: 'help', go: 'Go to this line',
    clean: 'No problems.', warnOnly: 'No errors, {w} warning(s): the map can be saved.',
    errors: '{e} error(s), {w} warning(s): fix the errors to save.', same: '(The text is the published version\'s.)',
    checking: 'Checking…', failed: 'The map could not be checked: {why}',
    moves: 'Open deals this version moves',
    movesNote: 'These stages hold open deals and are not in the new map as stages deals can be in. Choose where each stage\'s deals go; they move when the version is saved, each move recorded and audited.',
    stageNow: 'Stage now', open: 'Open deals', inNew: 'In the new map', goTo: 'They go to',
    removed: 'removed', renamed: 'renamed', 'now-outcome': 'now an outcome', whereGo: 'Where the deals of {name} go'
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  // Line numbers beside the text, each marked with the worst problem on it.
  function numberLines(diagnostics) {
    var lines = text.value.split('\n').length;
    var marks = {};
    (diagnostics || []).forEach(function (d) {
      if (d.severity === 'error') marks[d.line] = 'has-error';
      else if (!marks[d.line]) marks[d.line] = 'has-warning';
    });
    var fragment = document.createDocumentFragment();
    for (var n = 1; n <= lines; n++) {
      var li = document.createElement('li');
      li.textContent = n;
      if (marks[n]) li.className = marks[n];
      fragment.append(li);
    }
    gutter.textContent = '';
    gutter.append(fragment);
    gutter.scrollTop = text.scrollTop;
  }

  function goToLine(line, column) {
    var lines = text.value.split('\n');
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var at = start + Math.max(0, (column || 1) - 1);
    text.focus();
    text.setSelectionRange(at, start + (lines[line - 1] || '').length);
    var lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 19;
    text.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  function showDiagnostics(diagnostics) {
    list.textContent = '';
    diagnostics.forEach(function (d) {
      var where = el('button', { type: 'button', className: 'link where', text: words.line + ' ' + d.line + ':' + d.column, title: words.go });
      where.addEventListener('click', function () { goToLine(d.line, d.column); });
      var item = el('li', { className: d.severity, 'data-line': d.line, 'data-column': d.column }, [
        where, ' ',
        el('span', { className: 'sev-' + d.severity, text: words[d.severity] || d.severity }), ' ',
        el('code', { text: d.code }), ' ' + d.message
      ]);
      if (d.help) item.append(el('br'), el('span', { className: 'hint', text: words.help + ': ' + d.help }));
      list.append(item);
    });
  }

  function showRelocations(check) {
    var chosen = {};
    relocations.querySelectorAll('select').forEach(function (s) { chosen[s.name] = s.value; });
    relocations.textContent = '';
    if (!check.relocations.length) return;
    var body = el('tbody');
    check.relocations.forEach(function (r) {
      var name = 'relocate.' + r.stage;
      var id = 'relocate-' + r.stage;
      var select = el('select', { id: id, name: name });
      check.targets.forEach(function (t) {
        var o = el('option', { value: t.id, text: t.name });
        if ((chosen[name] || r.suggested) === t.id) o.selected = true;
        select.append(o);
      });
      body.append(el('tr', {}, [
        el('td', {}, [r.name + ' ', el('code', { text: r.stage })]),
        el('td', { className: 'num', text: r.deals.toLocaleString(ko ? 'ko-KR' : 'en-US') }),
        el('td', { text: words[r.cause] || r.cause }),
        el('td', {}, [el('label', { className: 'visually-hidden', 'for': id, text: sm.fill(words.whereGo, { name: r.name }) }), select])
      ]));
    });
    relocations.append(
      el('h2', { text: words.moves }),
      el('p', { className: 'warning-box', text: words.movesNote }),
      el('div', { className: 'table-wrap' }, [el('table', {}, [
        el('thead', {}, [el('tr', {}, [
          el('th', { scope: 'col', text: words.stageNow }), el('th', { scope: 'col', className: 'num', text: words.open }),
          el('th', { scope: 'col', text: words.inNew }), el('th', { scope: 'col', text: words.goTo })
        ])]), body
      ])])
    );
  }

  function showDrawing(svgText) {
    if (!svgText) { preview.classList.add('stale-preview'); return; }
    var doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    var svg = doc.documentElement;
    if (svg.nodeName !== 'svg') return;
    preview.textContent = '';
    preview.append(document.importNode(svg, true));
    preview.classList.remove('stale-preview');
  }

  var sent = 0;
  function check() {
    var mine = ++sent;
    summary.textContent = words.checking;
    sm.api('POST', '/api/v1/pipelines/' + encodeURIComponent(key) + '/check?lang=' + lang, { source: text.value })
      .then(function (r) {
        if (mine !== sent) return;
        if (r.status !== 200) {
          summary.textContent = sm.fill(words.failed, { why: (r.body && r.body.detail) || r.status });
          return;
        }
        var c = r.body;
        numberLines(c.diagnostics);
        showDiagnostics(c.diagnostics);
        showRelocations(c);
        showDrawing(c.drawing);
        var line = c.errors ? sm.fill(words.errors, { e: c.errors, w: c.warnings })
          : c.warnings ? sm.fill(words.warnOnly, { w: c.warnings }) : words.clean;
        if (c.unchanged) line += ' ' + words.same;
        summary.textContent = line;
        summary.className = 'check-summary ' + (c.errors ? 'has-errors' : 'clean');
        if (save) save.disabled = c.errors > 0 || c.unchanged;
        form.dataset.checked = String(mine);
      }, function () {
        if (mine === sent) summary.textContent = sm.fill(words.failed, { why: 'network' });
      });
  }

  var timer = null;
  text.addEventListener('input', function () {
    numberLines(null);
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 350);
  });
  text.addEventListener('scroll', function () { gutter.scrollTop = text.scrollTop; });
  list.querySelectorAll('li').forEach(function (li) {
    var where = li.querySelector('.where');
    var button = el('button', { type: 'button', className: 'link where', text: where.textContent, title: words.go });
    button.addEventListener('click', function () {
      goToLine(parseInt(li.dataset.line, 10), parseInt(li.dataset.column, 10));
    });
    where.replaceWith(button);
  });
  form.dataset.ready = '1';
})();
