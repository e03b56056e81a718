// salesmap: what every page's script shares. Pages work without it; with it, times show in
// the reader's own time zone, the language switch applies on change, and the other scripts
// get `salesmap.api` (fetch with the session's CSRF token, answers as JSON) and
// `salesmap.announce` (a polite live region for screen readers).
'use strict';

(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var lang = document.documentElement.lang || 'en';

  function announce(text) {
    var region = document.getElementById('announce');
    if (!region) return;
    region.textContent = '';
    window.setTimeout(function () { region.textContent = text; }, 30);
  }

  // Calls the JSON API with the session cookie and CSRF token. Resolves to
  // {status, body} (body parsed as JSON when it is JSON); rejects only when the server
  // cannot be reached.
  function api(method, url, body) {
    var init = {
      method: method,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf, 'Accept': 'application/json' }
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      var type = response.headers.get('content-type') || '';
      var parse = type.indexOf('json') >= 0 ? response.json() : response.text();
      return parse.then(function (parsed) { return { status: response.status, body: parsed }; });
    });
  }

  // Fills `{name}` placeholders of a message.
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function localTimes(root) {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var format = new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-US', {
      dateStyle: 'medium', timeStyle: 'short'
    });
    root.querySelectorAll('time[datetime]').forEach(function (el) {
      var t = new Date(el.getAttribute('datetime'));
      if (!isNaN(t.getTime())) {
        el.title = el.textContent;
        el.textContent = format.format(t);
      }
    });
  }

  function autosubmit() {
    document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
      var button = select.form && select.form.querySelector('button[type="submit"]');
      if (button) button.hidden = true;
      select.addEventListener('change', function () { select.form.submit(); });
    });
  }

  window.salesmap = { api: api, announce: announce, fill: fill, csrf: csrf, lang: lang, localTimes: localTimes };

  document.addEventListener('DOMContentLoaded', function () {
    localTimes(document);
    autosubmit();
  });
})();
