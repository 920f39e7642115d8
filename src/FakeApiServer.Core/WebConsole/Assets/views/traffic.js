// API traffic: requests per second by verb and resource over the last ten seconds, and the latest requests, from the
// server's request feed (/console/api/requests). The server observes requests only while such a page is open.
import { h, apiError, table } from '../ui.js';
import { TrafficStream } from '../api.js';

const WINDOW_MS = 10_000;
const KEPT = 1000;

export default {
  needs: [],
  start,
  stop,
  render,
};

function start(ctx) {
  const state = { entries: [], error: null };
  state.stream = new TrafficStream(ctx.api, entry => {
    state.entries.push({ ...entry, at: Date.parse(entry.started) + entry.latencyMs });
    if (state.entries.length > KEPT) state.entries.splice(0, state.entries.length - KEPT);
    ctx.redraw();
  }, error => { state.error = error; ctx.redraw(); }).start();
  // Rates fall as time passes without requests: redraw each second while the view is open.
  state.tick = setInterval(() => ctx.redraw(), 1000);
  ctx.state.traffic = state;
}

function stop(ctx) {
  const state = ctx.state.traffic;
  if (!state) return;
  state.stream.stop();
  clearInterval(state.tick);
  ctx.state.traffic = null;
}

const resourceOf = e => e.resourceRequest ? `${e.resource}${e.subresource ? '/' + e.subresource : ''}${e.group ? '.' + e.group : ''}` : e.path;

function render(ctx) {
  const state = ctx.state.traffic;
  const section = h('section', { class: 'traffic', 'data-connected': state?.stream.connected ? 'true' : 'false' }, h('h2', {}, 'API traffic'));
  if (state?.error) section.append(apiError('traffic', state.error));
  const entries = (state?.entries || []).filter(e => (!ctx.filters.namespace || e.namespace === ctx.filters.namespace) &&
    (!ctx.filters.search || `${e.verb} ${resourceOf(e)} ${e.name} ${e.user} ${e.userAgent} ${e.code}`.toLowerCase().includes(ctx.filters.search.toLowerCase())));
  const now = Math.max(Date.now(), ...entries.slice(-1).map(e => e.at));
  const recent = entries.filter(e => e.at >= now - WINDOW_MS);
  const rates = new Map();
  for (const e of recent) {
    const key = `${e.verb}\u0000${resourceOf(e)}`;
    rates.set(key, (rates.get(key) || 0) + 1);
  }
  const top = [...rates].sort((a, b) => b[1] - a[1]);
  const max = top[0]?.[1] || 1;
  section.append(h('p', { class: 'toolbar' }, h('strong', { 'data-total-rate': '' }, `${(recent.length / (WINDOW_MS / 1000)).toFixed(1)} requests/s`), ' over the last 10 s'));
  section.append(table(['verb', 'resource', 'requests/s', ''], top.map(([key, n]) => {
    const [verb, resource] = key.split('\u0000');
    const bar = h('span', { class: 'bar' });
    bar.style.width = `${Math.round((n / max) * 100)}%`;
    return h('tr', { 'data-rate': `${verb} ${resource}` }, h('td', {}, verb), h('td', {}, resource), h('td', { class: 'num' }, (n / (WINDOW_MS / 1000)).toFixed(1)), h('td', { class: 'meter-cell' }, h('div', { class: 'meter' }, bar)));
  }), 'No requests in the last 10 s.', { class: 'rates' }));
  section.append(h('h3', {}, 'Latest requests'));
  section.append(table(['time', 'verb', 'resource', 'object', 'code', 'latency', 'user', 'client'], entries.slice(-200).reverse().map(e => h('tr', { class: e.code >= 400 ? 'warning' : '', 'data-audit-id': e.auditID },
    h('td', { title: e.started }, new Date(e.started).toLocaleTimeString()),
    h('td', {}, e.verb),
    h('td', {}, resourceOf(e)),
    h('td', {}, [e.namespace, e.name].filter(Boolean).join('/')),
    h('td', { class: e.code >= 400 ? 'bad' : '' }, String(e.code)),
    h('td', { class: 'num' }, e.verb === 'watch' ? `${e.watchEvents} events` : `${e.latencyMs.toFixed(1)} ms`),
    h('td', {}, e.user),
    h('td', { class: 'agent', title: e.userAgent }, e.userAgent.split(' ')[0]))), 'No requests yet.', { class: 'latest' }));
  return section;
}
