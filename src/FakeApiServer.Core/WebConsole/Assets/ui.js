// Small DOM helpers shared by the views.

/** Creates an element: h('td', {class: 'x', onclick: f}, 'text', child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Creates an SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** A table with a header row and body rows (arrays of cells); an empty note when there are no rows. */
export function table(headers, rows, empty = 'None.', attrs = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
}

/** "3m", "2h", "5d": the age of a timestamp, as kubectl prints it. */
export function age(timestamp, now = Date.now()) {
  if (!timestamp) return '';
  let sec = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (sec < 120) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 120) return `${min}m`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** The condition of a type in an object's status, or undefined. */
export function condition(obj, type) {
  return (obj?.status?.conditions || []).find(c => c.type === type);
}

/** A badge for a condition: "Ready True", coloured by status. */
export function conditionBadge(c, type) {
  if (!c) return h('span', { class: 'badge unknown', title: `${type}: not reported` }, `${type} ?`);
  const cls = c.status === 'True' ? 'ok' : c.status === 'False' ? 'bad' : 'unknown';
  return h('span', { class: `badge ${cls}`, title: [c.reason, c.message].filter(Boolean).join(': ') }, `${type} ${c.status}`, c.status !== 'True' && c.reason ? ` (${c.reason})` : '');
}

/** The message shown instead of data when the API refused (403, 401) or failed. */
export function apiError(resource, error) {
  if (error.code === 404) {
    return h('p', { class: 'empty', 'data-error': resource }, `This server does not serve ${resource} (${error.message}).`);
  }
  return h('div', { class: `alert ${error.code === 403 || error.code === 401 ? 'forbidden' : 'error'}`, role: 'alert', 'data-error': resource },
    h('strong', {}, error.code === 403 ? 'Not authorized: ' : error.code === 401 ? 'Not signed in: ' : 'Error: '), error.message);
}
