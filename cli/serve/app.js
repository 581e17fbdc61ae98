/* newsgrep serve: the search page (/) and the article page (/article).
 * Every text that comes from the index is put in the page with
 * textContent or createTextNode, never as HTML: a document holding
 * <script> is shown, not run. No framework, no network but this server. */
'use strict';

var PAGE_SIZE = 10;
var SVG = 'http://www.w3.org/2000/svg';

function $(id) { return document.getElementById(id); }

/* An element with a class and text (as text, never as HTML). */
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function params() { return new URLSearchParams(window.location.search); }

function getJSON(url) {
  return fetch(url, { headers: { Accept: 'application/json' } }).then(function (r) {
    return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; },
                         function () { return { ok: false, status: r.status, body: { error: 'HTTP ' + r.status } }; });
  });
}

/* Shows an API error; a query error gets the query with a caret under the
 * position (a byte offset of the UTF-8 text). */
function showError(body, query) {
  $('error').hidden = false;
  $('error-text').textContent = body && body.error ? body.error : 'the server did not answer';
  var caret = '';
  if (body && typeof body.position === 'number' && query) {
    var bytes = new TextEncoder().encode(query);
    var before = new TextDecoder().decode(bytes.slice(0, body.position));
    caret = query + '\n' + ' '.repeat(before.length) + '^';
  }
  $('error-caret').textContent = caret;
  $('error-caret').hidden = !caret;
}

/* The snippet with its highlights as <mark> elements. Highlights are byte
 * spans of the UTF-8 snippet; JavaScript strings count UTF-16 units. */
function snippetNode(text, spans) {
  var p = el('p', 'snippet');
  var bytes = new TextEncoder().encode(text || '');
  var dec = new TextDecoder();
  var at = 0;
  (spans || []).forEach(function (s) {
    var a = Math.max(at, s[0]), b = Math.min(bytes.length, s[1]);
    if (b <= a) return;
    if (a > at) p.appendChild(document.createTextNode(dec.decode(bytes.slice(at, a))));
    p.appendChild(el('mark', null, dec.decode(bytes.slice(a, b))));
    at = b;
  });
  if (at < bytes.length) p.appendChild(document.createTextNode(dec.decode(bytes.slice(at))));
  return p;
}

function hitNode(h) {
  var li = el('li', 'hit');
  var h3 = el('h3');
  var a = el('a', 'title', h.title || '(untitled)');
  a.href = '/article?id=' + encodeURIComponent(h.id);
  h3.appendChild(a);
  li.appendChild(h3);
  var meta = [h.date || 'no date'];
  if (h.source) meta.push(h.source);
  meta.push(h.id);
  li.appendChild(el('p', 'meta', meta.join(' · ')));
  if (h.snippet) li.appendChild(snippetNode(h.snippet, h.highlights));
  return li;
}

/* A link to this page with some parameters changed. */
function pageLink(change) {
  var p = params();
  Object.keys(change).forEach(function (k) {
    if (change[k] === null || change[k] === '' || change[k] === 0) p.delete(k);
    else p.set(k, change[k]);
  });
  return '/?' + p.toString();
}

function renderResults(res, offset) {
  var list = $('results');
  res.hits.forEach(function (h) { list.appendChild(hitNode(h)); });
  var n = res.total;
  var s = n === 0 ? 'No matching documents' :
    'Results ' + (offset + 1) + '–' + (offset + res.count) + ' of ' + n.toLocaleString('en') +
    ' matching document' + (n === 1 ? '' : 's');
  $('summary').textContent = s + ' (' + res.took_ms.toFixed(1) + ' ms)' +
    (res.warning ? ' — note: ' + res.warning : '');
  if (offset > 0) {
    $('prev').hidden = false;
    $('prev').href = pageLink({ offset: Math.max(0, offset - PAGE_SIZE) });
  }
  if (offset + res.count < n) {
    $('next').hidden = false;
    $('next').href = pageLink({ offset: offset + PAGE_SIZE });
  }
}

/* The period a bucket starts: "2025-06-01" by month is 2025-06. */
function periodLabel(start, by) {
  return by === 'year' ? start.slice(0, 4) : by === 'month' ? start.slice(0, 7) : start;
}

function addDays(iso, n) {
  var d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/* The timeline as an inline SVG bar chart; a bar links to its period. */
function renderTimeline(tl) {
  var b = tl.buckets;
  if (!b.length) return;
  var svg = $('chart');
  var W = 1000, H = 100, n = b.length, w = W / n;
  var max = Math.max.apply(null, b.map(function (x) { return x.count; })) || 1;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('preserveAspectRatio', 'none');
  b.forEach(function (x, i) {
    var h = x.count ? Math.max(1.5, (x.count / max) * (H - 4)) : 0;
    var label = periodLabel(x.period, tl.by);
    var link = document.createElementNS(SVG, 'a');
    var until = tl.by === 'week' ? addDays(x.period, 6) : label;
    link.setAttribute('href', pageLink({ since: label, until: until, offset: null }));
    var r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', (i * w + (n > 60 ? 0 : w * 0.12)).toFixed(2));
    r.setAttribute('width', Math.max(0.5, n > 60 ? w : w * 0.76).toFixed(2));
    r.setAttribute('y', (H - h).toFixed(2));
    r.setAttribute('height', h.toFixed(2));
    r.setAttribute('class', 'bar');
    r.setAttribute('data-period', x.period);
    r.setAttribute('data-count', String(x.count));
    var t = document.createElementNS(SVG, 'title');
    t.textContent = label + ': ' + x.count + ' document' + (x.count === 1 ? '' : 's');
    r.appendChild(t);
    link.appendChild(r);
    svg.appendChild(link);
  });
  $('timeline-title').textContent = 'Matching documents by ' + tl.by + ' (' +
    tl.total.toLocaleString('en') + ' with a date)';
  $('axis-first').textContent = periodLabel(b[0].period, tl.by);
  $('axis-last').textContent = periodLabel(b[n - 1].period, tl.by);
  $('timeline').hidden = false;
}

function searchPage() {
  var p = params();
  ['q', 'since', 'until', 'sort', 'by'].forEach(function (k) {
    if (!p.get(k)) return;
    if ($(k).tagName === 'INPUT') $(k).defaultValue = p.get(k); /* the value="" attribute */
    else $(k).value = p.get(k);
  });
  // A changed filter searches again at once.
  ['sort', 'by'].forEach(function (k) {
    $(k).addEventListener('change', function () { $('search').requestSubmit(); });
  });
  // Empty fields stay out of the address.
  $('search').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var out = new URLSearchParams();
    ['q', 'since', 'until', 'sort', 'by'].forEach(function (k) {
      var v = $(k).value.trim();
      if (v && !(k === 'sort' && v === 'score') && !(k === 'by' && v === 'month')) out.set(k, v);
    });
    window.location.search = out.toString();
  });
  getJSON('/api/stats').then(function (r) {
    if (r.ok) $('footer').textContent = r.body.documents.toLocaleString('en') +
      ' documents · newsgrep serve';
  });
  var q = p.get('q');
  if (!q) return;
  document.title = q + ' · newsgrep';
  var offset = parseInt(p.get('offset') || '0', 10) || 0;
  var sq = new URLSearchParams({ q: q, k: String(PAGE_SIZE), offset: String(offset) });
  var tq = new URLSearchParams({ q: q, by: p.get('by') || 'month' });
  ['since', 'until'].forEach(function (k) {
    if (p.get(k)) { sq.set(k, p.get(k)); tq.set(k, p.get(k)); }
  });
  if (p.get('sort')) sq.set('sort', p.get('sort'));
  Promise.all([getJSON('/api/search?' + sq), getJSON('/api/timeline?' + tq)]).then(function (rs) {
    if (!rs[0].ok) return showError(rs[0].body, q);
    renderResults(rs[0].body, offset);
    if (rs[1].ok) renderTimeline(rs[1].body);
    document.body.setAttribute('data-ready', '1');
  }).catch(function () { showError(null); });
}

function articlePage() {
  var id = params().get('id');
  if (!id) return showError({ error: 'missing ID' });
  getJSON('/api/doc/' + encodeURIComponent(id)).then(function (r) {
    if (!r.ok) return showError(r.body);
    var d = r.body;
    $('title').textContent = d.title || '(untitled)';
    document.title = (d.title || id) + ' · newsgrep';
    $('meta').textContent = [d.date || 'no date', d.source, id].filter(Boolean).join(' · ');
    $('body').textContent = d.body || '';
    Object.keys(d).forEach(function (k) {
      if (['title', 'date', 'body', 'source', 'id'].indexOf(k) >= 0) return;
      $('fields').appendChild(el('dt', null, k));
      $('fields').appendChild(el('dd', null, d[k]));
    });
    if (document.referrer && new URL(document.referrer).origin === window.location.origin)
      $('back').href = document.referrer;
    document.body.setAttribute('data-ready', '1');
  });
}

document.addEventListener('DOMContentLoaded', function () {
  if ($('search')) searchPage();
  else if ($('article')) articlePage();
});
