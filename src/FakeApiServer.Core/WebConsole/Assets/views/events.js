// Events, newest first, filterable by type, namespace, labels and the search box.
import { h, apiError, table, age } from '../ui.js';
import { passes } from '../model.js';

export default {
  needs: ['events'],
  render,
};

/** When an event last happened (core/v1 events carry lastTimestamp, events.k8s.io ones eventTime). */
const when = e => e.lastTimestamp || e.series?.lastObservedTime || e.eventTime || e.metadata.creationTimestamp || '';

/** Newest first; within one second (timestamps have seconds), the later write (higher resourceVersion) first. */
const newestFirst = (a, b) => when(b).localeCompare(when(a)) || (Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion)) || 0;

function row(ctx, e) {
  const o = e.involvedObject || {};
  return h('tr', { class: e.type === 'Warning' ? 'warning' : '' },
    h('td', { title: when(e) }, age(when(e))),
    h('td', {}, e.type || ''),
    h('td', {}, e.reason || ''),
    h('td', {}, `${(o.kind || '').toLowerCase()}/${o.name || ''}`),
    h('td', { class: 'message' }, e.message || ''),
    h('td', {}, String(e.count || 1)),
    h('td', {}, ctx.yamlLink('events', e, 'YAML')));
}

function render(ctx) {
  const informer = ctx.informer('events');
  const section = h('section', {}, h('h2', {}, 'Events'));
  if (informer?.error) { section.append(apiError('events', informer.error)); return section; }
  const type = ctx.state.eventType || '';
  const select = h('select', { 'aria-label': 'Event type', onchange: e => { ctx.state.eventType = e.target.value; ctx.redraw(); } },
    ['', 'Normal', 'Warning'].map(t => h('option', { value: t, selected: t === type }, t || 'All types')));
  const events = [...ctx.items('events').values()]
    .filter(e => (!type || e.type === type) && passes(e, ctx.filters, e.reason, e.message, e.involvedObject?.name, e.involvedObject?.kind))
    .sort(newestFirst);
  section.append(h('p', { class: 'toolbar' }, select, ` ${events.length} events`),
    table(['age', 'type', 'reason', 'object', 'message', 'count', ''], events.slice(0, 500).map(e => row(ctx, e)), 'No events.', { class: 'events' }));
  return section;
}

/** The events of one pod, newest first (for the topology's details). */
export function podEvents(ctx, pod) {
  const informer = ctx.informer('events');
  if (informer?.error) return apiError('events', informer.error);
  const events = [...ctx.items('events').values()]
    .filter(e => e.involvedObject?.kind === 'Pod' && e.involvedObject?.name === pod.metadata.name && (e.metadata.namespace || '') === pod.metadata.namespace)
    .sort(newestFirst);
  return table(['age', 'type', 'reason', 'message'], events.map(e => h('tr', { class: e.type === 'Warning' ? 'warning' : '' },
    h('td', {}, age(when(e))), h('td', {}, e.type || ''), h('td', {}, e.reason || ''), h('td', { class: 'message' }, e.message || ''))), 'No events.', { class: 'pod-events' });
}
