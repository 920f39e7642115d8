// Nodes: readiness, pod CIDRs, capacity and what the pods scheduled on each request (kubectl describe node's
// "Allocated resources").
import { h, apiError, table, age, condition, conditionBadge } from '../ui.js';
import { passes } from '../model.js';

export default {
  needs: ['nodes', 'pods'],
  render,
};

/** A Kubernetes quantity as a number (cores for CPU, bytes for memory). */
function quantity(text) {
  if (text === undefined || text === null || text === '') return 0;
  const m = String(text).match(/^([0-9.]+)([a-zA-Z]*)$/);
  if (!m) return 0;
  const units = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return parseFloat(m[1]) * (units[m[2]] ?? 1);
}

const cpu = n => (n < 1 ? `${Math.round(n * 1000)}m` : `${+n.toFixed(2)}`);
const memory = n => (n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(1)}Gi` : `${Math.round(n / 1024 ** 2)}Mi`);

function render(ctx) {
  const section = h('section', { class: 'nodes' }, h('h2', {}, 'Nodes'));
  const informer = ctx.informer('nodes');
  if (informer?.error) { section.append(apiError('nodes', informer.error)); return section; }
  const podsError = ctx.informer('pods')?.error;
  if (podsError) section.append(apiError('pods', podsError));
  const requests = new Map();
  for (const pod of ctx.items('pods').values()) {
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') continue;
    const r = requests.get(pod.spec.nodeName) || { cpu: 0, memory: 0, pods: 0 };
    for (const c of pod.spec.containers || []) {
      r.cpu += quantity(c.resources?.requests?.cpu);
      r.memory += quantity(c.resources?.requests?.memory);
    }
    r.pods += 1;
    requests.set(pod.spec.nodeName, r);
  }
  const nodes = [...ctx.items('nodes').values()].filter(n => passes(n, { ...ctx.filters, namespace: '' })).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  section.append(table(['name', 'status', 'roles', 'pod CIDRs', 'CPU requested / allocatable', 'memory requested / allocatable', 'pods / max', 'age'], nodes.map(n => {
    const r = requests.get(n.metadata.name) || { cpu: 0, memory: 0, pods: 0 };
    const alloc = n.status?.allocatable || n.status?.capacity || {};
    const roles = Object.keys(n.metadata.labels || {}).filter(l => l.startsWith('node-role.kubernetes.io/')).map(l => l.split('/')[1]);
    return h('tr', { 'data-node': n.metadata.name },
      h('td', {}, ctx.yamlLink('nodes', n)),
      h('td', {}, conditionBadge(condition(n, 'Ready'), 'Ready'), n.spec?.unschedulable ? h('span', { class: 'badge warn' }, 'SchedulingDisabled') : ''),
      h('td', {}, roles.join(',') || h('span', { class: 'muted' }, '<none>')),
      h('td', { class: 'mono' }, (n.spec?.podCIDRs || []).join(', ')),
      h('td', {}, meter(r.cpu, quantity(alloc.cpu), cpu)),
      h('td', {}, meter(r.memory, quantity(alloc.memory), memory)),
      h('td', {}, meter(r.pods, quantity(alloc.pods), x => String(x))),
      h('td', {}, age(n.metadata.creationTimestamp)));
  }), 'No nodes.'));
  return section;
}

function meter(used, total, format) {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const bar = h('span', { class: 'bar' });
  bar.style.width = `${Math.round(share * 100)}%`;
  return h('div', { class: 'meter', title: `${Math.round(share * 100)}%` }, bar, h('span', { class: 'label' }, `${format(used)} / ${format(total)}`));
}
