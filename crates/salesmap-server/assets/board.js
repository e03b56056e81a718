// The board's moves and live filters. Every move goes through the API
// (POST /api/v1/deals/{id}/moves), so the store's rules decide: a move blocked by unticked exit
// items opens the checklist (tick and retry, or, for managers, override with a reason), a
// "no" move asks for the reason, and any other refusal is said in words. Moves work by drag
// and drop and by keyboard (Space picks a card up, arrows choose a stage, Enter moves, Escape
// cancels; M opens a menu). Filters apply as you type and keep the address in step.
'use strict';

(function () {
  var sm = window.salesmap;
  var board = document.getElementById('board');
  if (!sm || !board) return;
  var words = JSON.parse(document.getElementById('board-words').textContent);
  var canMove = board.dataset.canMove === '1';
  var manager = board.dataset.manager === '1';
  var lang = sm.lang === 'ko' ? 'ko-KR' : 'en-US';
  var picked = null; // keyboard move in progress: {card, targets, index}
  var dragged = null;

  function columnOf(stage) {
    return board.querySelector('.column[data-stage="' + CSS.escape(stage) + '"]');
  }
  function zoneOf(stage) {
    return columnOf(stage) || document.querySelector('.dropzone[data-stage="' + CSS.escape(stage) + '"]');
  }
  function stageName(stage) {
    var zone = zoneOf(stage);
    if (!zone) return stage;
    var h = zone.querySelector('h3, .name');
    return h ? h.textContent : stage;
  }
  function cardName(card) { return card.querySelector('.card-link').textContent; }
  // The stages a card may move to: its column's moves (the map's transitions).
  function targetsOf(card) {
    var column = card.closest('.column');
    var moves = column ? (column.dataset.moves || '').split(' ').filter(Boolean) : [];
    return moves.filter(function (s) { return s !== card.dataset.stage && zoneOf(s); });
  }

  // ---- totals -------------------------------------------------------------------------
  function short(v, currency) {
    var n = Math.abs(v), out;
    if (lang === 'ko-KR') {
      if (n >= 1e12) out = (v / 1e12).toFixed(v / 1e12 < 10 ? 1 : 0) + '조';
      else if (n >= 1e8) out = (v / 1e8).toFixed(v / 1e8 < 10 ? 1 : 0) + '억';
      else if (n >= 1e4) out = (v / 1e4).toFixed(v / 1e4 < 10 ? 1 : 0) + '만';
      else out = Math.round(v).toLocaleString(lang);
    } else {
      if (n >= 1e9) out = (v / 1e9).toFixed(v / 1e9 < 10 ? 1 : 0) + 'B';
      else if (n >= 1e6) out = (v / 1e6).toFixed(v / 1e6 < 10 ? 1 : 0) + 'M';
      else if (n >= 1e3) out = (v / 1e3).toFixed(v / 1e3 < 10 ? 1 : 0) + 'K';
      else out = Math.round(v).toLocaleString(lang);
    }
    out = out.replace(/\.0(?=[^0-9]|$)/, '');
    if (!currency) return out;
    if (lang === 'ko-KR' && (currency === 'KRW' || currency === '원')) return out + '원';
    return out + ' ' + currency;
  }
  function retotal(column) {
    if (!column || !column.querySelector('[data-count]')) return;
    var count = 0, value = 0;
    column.querySelectorAll('.card').forEach(function (card) {
      if (card.classList.contains('filtered')) return;
      count += 1;
      var a = parseFloat(card.dataset.amount);
      if (!isNaN(a)) value += a;
    });
    var currency = column.dataset.currency || '';
    column.querySelector('[data-count]').textContent = count.toLocaleString(lang);
    column.querySelector('[data-value]').textContent = short(value, currency);
    var weighted = column.querySelector('[data-weighted]');
    var p = parseFloat(column.dataset.probability);
    if (weighted && !isNaN(p)) weighted.textContent = short(value * p, currency);
  }

  // ---- moves --------------------------------------------------------------------------
  function place(card, deal, target) {
    var from = card.closest('.column');
    card.dataset.version = deal.version;
    card.dataset.stage = deal.stage;
    var to = columnOf(target);
    if (!deal.open || !to) {
      card.remove();
      sm.announce(sm.fill(words.closed, { deal: deal.name, stage: stageName(deal.stage) }));
    } else {
      card.classList.remove('age-due', 'age-stale', 'age-rotten');
      card.classList.add('age-fresh');
      card.querySelectorAll('.badge').forEach(function (b) { b.remove(); });
      var days = card.querySelector('.days');
      if (days) days.textContent = days.textContent.replace(/^[^/]*/, lang === 'ko-KR' ? '0.0일 ' : '0.0 d ');
      var checks = card.querySelector('.checks');
      if (checks) checks.remove();
      to.querySelector('.cards').prepend(card);
      sm.announce(sm.fill(words.moved, { deal: deal.name, stage: stageName(deal.stage) }));
    }
    retotal(from);
    retotal(to);
  }

  function refresh(card) {
    return sm.api('GET', '/api/v1/deals/' + card.dataset.id).then(function (r) {
      if (r.status === 200) card.dataset.version = r.body.deal.version;
      return r;
    });
  }

  // Sends a move; `extra` carries a reason or an override reason.
  function move(card, to, extra) {
    if (!canMove) return;
    unsay();
    card.classList.add('busy');
    var body = { to: to, version: parseInt(card.dataset.version, 10) };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    sm.api('POST', '/api/v1/deals/' + card.dataset.id + '/moves', body).then(function (r) {
      card.classList.remove('busy');
      if (r.status === 200) {
        place(card, r.body, to);
        if (card.isConnected) card.querySelector('.card-link').focus();
        return;
      }
      var p = r.body || {};
      var kind = String(p.type || '').replace('urn:salesmap:problem:', '');
      if (kind === 'exit-checklist') return gate(card, to, p.missing || [], extra);
      if (kind === 'reason-required') return askReason(card, to);
      if (kind === 'stale-version' && p.current) {
        card.dataset.version = p.current.version;
        return say(sm.fill(words.stale, { deal: cardName(card) }));
      }
      if (kind === 'transition-not-allowed') {
        return say(sm.fill(words.not_allowed, { allowed: (p.allowed || []).map(stageName).join(', ') }));
      }
      say(sm.fill(words.failed, { why: p.detail || p.title || r.status }));
    }, function () {
      card.classList.remove('busy');
      say(words.network);
    });
  }

  // A refusal or failure, said on the page (and to screen readers) until the next move.
  function say(text) {
    var box = document.getElementById('board-message');
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }
  function unsay() {
    var box = document.getElementById('board-message');
    box.hidden = true;
    box.textContent = '';
  }

  // The exit checklist dialog: tick what is done and move, or override (managers).
  function gate(card, to, missing, extra) {
    var dialog = document.getElementById('gate-dialog');
    var list = dialog.querySelector('.gate-items');
    var error = dialog.querySelector('.error');
    dialog.querySelector('.intro').textContent = cardName(card) + ' → ' + stageName(to);
    error.textContent = '';
    list.textContent = '';
    missing.forEach(function (m, i) {
      var li = document.createElement('li');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.id = 'gate-item-' + i;
      box.dataset.stage = m.stage;
      box.dataset.index = m.index;
      var label = document.createElement('label');
      label.className = 'inline';
      label.htmlFor = box.id;
      label.textContent = m.item;
      li.append(box, label);
      list.append(li);
    });
    var reason = dialog.querySelector('#override-reason');
    if (reason) reason.value = '';
    dialog.onclose = function () {
      var choice = dialog.returnValue;
      if (choice === 'tick') {
        var boxes = Array.prototype.filter.call(list.querySelectorAll('input'), function (b) { return b.checked; });
        var ticks = boxes.reduce(function (done, b) {
          return done.then(function () {
            return sm.api('POST', '/api/v1/deals/' + card.dataset.id + '/ticks', {
              stage: b.dataset.stage, item: parseInt(b.dataset.index, 10)
            });
          });
        }, Promise.resolve());
        ticks.then(function () { return refresh(card); }).then(function () {
          if (boxes.length) sm.announce(sm.fill(words.ticked, { n: boxes.length }));
          move(card, to, extra);
        });
      } else if (choice === 'override') {
        var why = reason ? reason.value.trim() : '';
        if (!why) {
          error.textContent = words.need_reason;
          dialog.showModal();
          return;
        }
        var more = {}; Object.keys(extra || {}).forEach(function (k) { more[k] = extra[k]; });
        more.override_reason = why;
        move(card, to, more);
      } else {
        sm.announce(words.cancelled);
        card.querySelector('.card-link').focus();
      }
    };
    dialog.returnValue = '';
    dialog.showModal();
  }

  // A "no" needs the buyer's reason.
  function askReason(card, to) {
    var dialog = document.getElementById('reason-dialog');
    var text = dialog.querySelector('textarea');
    var error = dialog.querySelector('.error');
    dialog.querySelector('.intro').textContent = cardName(card) + ' → ' + stageName(to);
    text.value = '';
    error.textContent = '';
    dialog.onclose = function () {
      if (dialog.returnValue !== 'move') {
        sm.announce(words.cancelled);
        card.querySelector('.card-link').focus();
        return;
      }
      var why = text.value.trim();
      if (!why) {
        error.textContent = words.need_reason;
        dialog.returnValue = '';
        dialog.showModal();
        return;
      }
      move(card, to, { reason: why });
    };
    dialog.returnValue = '';
    dialog.showModal();
  }

  // The allowed moves of a card as a menu (keyboard M).
  function menu(card) {
    var targets = targetsOf(card);
    if (!targets.length) return sm.announce(words.no_moves);
    var dialog = document.getElementById('move-dialog');
    var select = dialog.querySelector('select');
    dialog.querySelector('.intro').textContent = cardName(card);
    select.textContent = '';
    targets.forEach(function (s) {
      var o = document.createElement('option');
      o.value = s;
      o.textContent = stageName(s);
      select.append(o);
    });
    dialog.onclose = function () {
      if (dialog.returnValue === 'move') move(card, select.value, {});
      else card.querySelector('.card-link').focus();
    };
    dialog.returnValue = '';
    dialog.showModal();
  }

  // ---- drag and drop ------------------------------------------------------------------
  function mark(targets, on) {
    targets.forEach(function (s) {
      var zone = zoneOf(s);
      if (zone) zone.classList.toggle('can-drop', on);
    });
  }
  board.addEventListener('dragstart', function (e) {
    var card = e.target.closest && e.target.closest('.card');
    if (!card || !canMove) return;
    dragged = { card: card, targets: targetsOf(card) };
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', card.dataset.id);
    mark(dragged.targets, true);
  });
  document.addEventListener('dragend', function () {
    if (!dragged) return;
    mark(dragged.targets, false);
    document.querySelectorAll('.drop-over').forEach(function (z) { z.classList.remove('drop-over'); });
    dragged = null;
  });
  function zoneAt(e) {
    var zone = e.target.closest && e.target.closest('.column, .dropzone');
    if (!zone || !dragged || dragged.targets.indexOf(zone.dataset.stage) < 0) return null;
    return zone;
  }
  document.addEventListener('dragover', function (e) {
    var zone = zoneAt(e);
    if (!zone) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    document.querySelectorAll('.drop-over').forEach(function (z) { if (z !== zone) z.classList.remove('drop-over'); });
    zone.classList.add('drop-over');
  });
  document.addEventListener('drop', function (e) {
    var zone = zoneAt(e);
    if (!zone) return;
    e.preventDefault();
    var card = dragged.card;
    zone.classList.remove('drop-over');
    move(card, zone.dataset.stage, {});
  });

  // ---- keyboard -----------------------------------------------------------------------
  function choose(index) {
    if (!picked) return;
    picked.targets.forEach(function (s) { var z = zoneOf(s); if (z) z.classList.remove('choice'); });
    picked.index = (index + picked.targets.length) % picked.targets.length;
    var stage = picked.targets[picked.index];
    var zone = zoneOf(stage);
    zone.classList.add('choice');
    if (zone.scrollIntoView) zone.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    sm.announce(sm.fill(words.target, { stage: stageName(stage) }));
  }
  function drop(go) {
    if (!picked) return;
    var p = picked;
    picked = null;
    p.card.classList.remove('picked');
    p.targets.forEach(function (s) { var z = zoneOf(s); if (z) z.classList.remove('choice', 'can-drop'); });
    if (go) move(p.card, p.targets[p.index], {});
    else { sm.announce(words.cancelled); p.card.querySelector('.card-link').focus(); }
  }
  board.addEventListener('keydown', function (e) {
    var link = e.target.closest && e.target.closest('.card-link');
    if (!link || !canMove) return;
    var card = link.closest('.card');
    if (picked && picked.card === card) {
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); choose(picked.index + 1); }
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); choose(picked.index - 1); }
      else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); drop(true); }
      else if (e.key === 'Escape') { e.preventDefault(); drop(false); }
      return;
    }
    if (e.key === ' ') {
      e.preventDefault();
      if (picked) drop(false);
      var targets = targetsOf(card);
      if (!targets.length) return sm.announce(words.no_moves);
      picked = { card: card, targets: targets, index: 0 };
      card.classList.add('picked');
      mark(targets, true);
      sm.announce(sm.fill(words.picked, { deal: cardName(card) }));
      choose(0);
    } else if (e.key === 'm' || e.key === 'M') {
      e.preventDefault();
      menu(card);
    }
  });
  board.addEventListener('focusout', function (e) {
    if (picked && e.target.closest('.card') === picked.card &&
        !(e.relatedTarget && picked.card.contains(e.relatedTarget))) drop(false);
  });

  // ---- live filters -------------------------------------------------------------------
  var form = document.querySelector('form.filters');
  function applyFilters() {
    var data = new FormData(form);
    var q = String(data.get('q') || '').toLowerCase().split(/\s+/).filter(Boolean);
    var owner = String(data.get('owner') || '');
    var segment = String(data.get('segment') || '');
    var source = String(data.get('source') || '');
    var stale = data.get('stale') ? '1' : '';
    var shown = 0;
    board.querySelectorAll('.card').forEach(function (card) {
      var d = card.dataset;
      var ok = (!owner || (owner === 'none' ? d.owner === '' : d.owner === owner)) &&
        (!segment || d.segment === segment) && (!source || d.source === source) &&
        (!stale || d.stale === '1') &&
        q.every(function (w) { return d.search.indexOf(w) >= 0; });
      card.classList.toggle('filtered', !ok);
      if (ok) shown += 1;
    });
    board.querySelectorAll('.column').forEach(retotal);
    var params = new URLSearchParams();
    data.forEach(function (v, k) { if (k !== 'done' && v) params.set(k, v); });
    var qs = params.toString();
    history.replaceState(null, '', location.pathname + (qs ? '?' + qs : ''));
    sm.announce(sm.fill(words.filtered, { n: shown.toLocaleString(lang) }));
  }
  if (form) {
    var timer = null;
    form.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(applyFilters, 120);
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); applyFilters(); });
  }
  board.dataset.ready = '1';
  if (performance.mark) performance.mark('board-ready');
})();
