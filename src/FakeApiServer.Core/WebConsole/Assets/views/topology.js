// Topology: nodes → pods → interfaces → networks, one SVG. Each interface is labelled with its name and the IPs
// status.podIPs gives it; a pod the scheduler refused is drawn with its reason, and its links dashed.
import { h, s, apiError, table, age, conditionBadge, condition } from '../ui.js';
import { DEFAULT_NETWORK, enabled, filteredPods, interfacesOf, podStatus } from '../model.js';
import { podEvents } from './events.js';

const ROW = 46;
const GAP = 12;
const COL = { node: 10, pod: 200, iface: 440, network: 770 };
const WIDTH = { node: 160, pod: 210, iface: 250, network: 200 };
const VIEW_WIDTH = COL.network + WIDTH.network + 10;

export default {
  needs: ['pods', 'nodes', 'podnetworks', 'podnetworkattachments', 'events'],
  render,
};

function render(ctx) {
  const podsInformer = ctx.informer('pods');
  if (podsInformer?.error) return h('section', {}, h('h2', {}, 'Topology'), apiError('pods', podsInformer.error));
  if (!podsInformer?.synced) return h('section', {}, h('h2', {}, 'Topology'), h('p', { class: 'empty' }, 'Loading…'));
  const attachments = ctx.items('podnetworkattachments');
  const pods = filteredPods(ctx.items('pods'), ctx.filters, attachments);
  const selected = ctx.state.selectedPod && ctx.items('pods').get(ctx.state.selectedPod);
  return h('section', { class: 'topology' },
    h('h2', {}, 'Topology'),
    notes(ctx),
    h('div', { class: 'split' },
      h('div', { class: 'diagram' }, diagram(ctx, pods, attachments), unschedulable(pods)),
      selected ? details(ctx, selected, attachments) : h('aside', { class: 'details empty' }, 'Select a pod to see its networks, IPs and events.')));
}

/** Notes about what the user may not see (refused or unserved resources other than pods). */
function notes(ctx) {
  return ['nodes', 'podnetworks', 'podnetworkattachments', 'events']
    .filter(name => !(name === 'podnetworkattachments' && ctx.informer('podnetworks')?.error?.code === 404))
    .map(name => ctx.informer(name)?.error && apiError(name, ctx.informer(name).error))
    .filter(Boolean);
}

function diagram(ctx, pods, attachments) {
  const networks = new Map([...ctx.items('podnetworks').values()].map(pn => [pn.metadata.name, pn]));
  // Rows: pods grouped under their node (nodes without pods still shown), unscheduled pods last.
  const byNode = new Map([...ctx.items('nodes').keys()].sort().map(n => [n, []]));
  for (const pod of pods) {
    const node = pod.spec?.nodeName || '';
    if (!byNode.has(node)) byNode.set(node, []);
    byNode.get(node).push(pod);
  }
  if (byNode.has('')) { const unscheduled = byNode.get(''); byNode.delete(''); byNode.set('', unscheduled); }

  const referenced = new Set();
  const layout = [];
  let y = GAP;
  for (const [node, nodePods] of byNode) {
    const top = y;
    const podBoxes = [];
    for (const pod of nodePods) {
      const ifaces = interfacesOf(pod, attachments);
      ifaces.forEach(i => i.network && referenced.add(i.network));
      const height = Math.max(1, ifaces.length) * ROW;
      podBoxes.push({ pod, ifaces, y, height });
      y += height + GAP;
    }
    if (nodePods.length === 0) y += ROW + GAP;
    layout.push({ node, top, height: y - GAP - top, podBoxes });
  }

  // Networks: every PodNetwork, and the missing ones pods name; spread over the diagram's height.
  const names = [...new Set([...networks.keys(), ...referenced])].sort((a, b) => (a === DEFAULT_NETWORK ? -1 : b === DEFAULT_NETWORK ? 1 : a.localeCompare(b)));
  const height = Math.max(y, names.length * (ROW + 24) + GAP);
  const step = names.length ? (height - GAP) / names.length : 0;
  const netY = new Map(names.map((n, i) => [n, GAP + i * step + (step - ROW - 10) / 2]));

  const svg = s('svg', { viewBox: `0 0 ${VIEW_WIDTH} ${height}`, class: 'topology-svg', role: 'img', 'aria-label': 'Nodes, pods, interfaces and networks' });
  const edges = s('g', { class: 'edges' });
  svg.append(edges);
  for (const group of layout) {
    svg.append(nodeBox(ctx, group));
    for (const box of group.podBoxes) {
      const status = podStatus(box.pod);
      const key = `${box.pod.metadata.namespace}/${box.pod.metadata.name}`;
      edges.append(s('path', { class: 'edge', d: curve(COL.node + WIDTH.node, group.top + Math.min(group.height, ROW) / 2, COL.pod, box.y + ROW / 2) }));
      svg.append(podBox(ctx, box, status, key));
      box.ifaces.forEach((iface, i) => {
        const iy = box.y + i * ROW;
        const pn = networks.get(iface.network);
        const broken = pn ? !enabled(pn) || !!pn.metadata.deletionTimestamp : ctx.informer('podnetworks')?.error?.code !== 404;
        const cls = `edge ${status.cls === 'bad' || broken ? 'bad' : iface.ips.length ? 'ok' : 'pending'}`;
        edges.append(s('path', { class: 'edge', d: curve(COL.pod + WIDTH.pod, box.y + ROW / 2, COL.iface, iy + ROW / 2 - 3) }));
        edges.append(s('path', { class: cls, d: curve(COL.iface + WIDTH.iface, iy + ROW / 2 - 3, COL.network, netY.get(iface.network) + ROW / 2 + 5) }));
        svg.append(ifaceBox(key, iface, iy));
      });
    }
  }
  // Without the multi-network API (MultiNetwork off) there are no PodNetworks: the default network is not "missing".
  const served = ctx.informer('podnetworks')?.error?.code !== 404;
  for (const name of names) svg.append(networkBox(ctx, name, networks.get(name), netY.get(name), served));
  return svg;
}

function curve(x1, y1, x2, y2) {
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

function nodeBox(ctx, group) {
  if (!group.node) {
    return s('g', { class: 'node unscheduled', 'data-node': '' },
      s('rect', { x: COL.node, y: group.top, width: WIDTH.node, height: group.height, rx: 6 }),
      s('text', { x: COL.node + 10, y: group.top + 20, class: 'title' }, '(not scheduled)'));
  }
  const node = ctx.items('nodes').get(group.node);
  const ready = condition(node, 'Ready');
  return s('g', { class: `node ${ready?.status === 'True' ? 'ok' : 'bad'}`, 'data-node': group.node },
    s('title', {}, `Node ${group.node}: Ready ${ready?.status ?? 'unknown'}`),
    s('rect', { x: COL.node, y: group.top, width: WIDTH.node, height: group.height, rx: 6 }),
    s('text', { x: COL.node + 10, y: group.top + 19, class: 'title' }, clip(group.node, 20)),
    (node?.spec?.podCIDRs || []).map((cidr, i) => s('text', { x: COL.node + 10, y: group.top + 34 + i * 13, class: 'sub mono' }, cidr)));
}

function podBox(ctx, box, status, key) {
  const selected = ctx.state.selectedPod === key;
  const select = () => { ctx.state.selectedPod = key; ctx.redraw(); };
  return s('g', {
    class: `pod ${status.cls}${selected ? ' selected' : ''}`, 'data-pod': key, 'data-phase': status.text, tabindex: 0, role: 'button',
    'aria-label': `Pod ${key}, ${status.text}`, onclick: select, onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } },
  },
    s('title', {}, `${key}: ${status.text}${status.message ? ` — ${status.message}` : ''}`),
    s('rect', { x: COL.pod, y: box.y, width: WIDTH.pod, height: box.height, rx: 6 }),
    s('text', { x: COL.pod + 10, y: box.y + 19, class: 'title' }, clip(box.pod.metadata.name, 26)),
    s('text', { x: COL.pod + 10, y: box.y + 36, class: 'sub status' }, clip(status.reason && status.reason !== status.text ? `${status.text} · ${status.reason}` : status.text, 30)));
}

function ifaceBox(key, iface, y) {
  const ips = iface.ips.length ? iface.ips.join(', ') : 'no IP yet';
  return s('g', { class: `iface${iface.ips.length ? '' : ' pending'}`, 'data-pod': key, 'data-iface': iface.name, 'data-network': iface.network },
    s('title', {}, `${iface.name || '(no name)'} on ${iface.network || '?'}${iface.attachment ? ` via attachment ${iface.attachment}` : ''}: ${ips}`),
    s('rect', { x: COL.iface, y: y + 3, width: WIDTH.iface, height: ROW - 12, rx: 4 }),
    s('text', { x: COL.iface + 8, y: y + 18, class: 'title' }, `${iface.name || '?'} → ${iface.network || iface.attachment || '?'}`),
    s('text', { x: COL.iface + 8, y: y + 31, class: 'sub ips' }, clip(ips, 42)));
}

function networkBox(ctx, name, pn, y, served) {
  const state = !pn && !served ? 'Ready' : !pn ? 'missing' : pn.metadata.deletionTimestamp ? 'terminating' : !enabled(pn) ? 'disabled' : condition(pn, 'Ready')?.status === 'True' ? 'Ready' : 'not ready';
  const cls = state === 'Ready' ? 'ok' : state === 'not ready' ? 'warn' : 'bad';
  return s('g', { class: `network ${cls}`, 'data-network': name, 'data-state': state },
    s('title', {}, `PodNetwork ${name}: ${state}${pn?.spec?.provider ? `, provider ${pn.spec.provider}` : ''}`),
    s('rect', { x: COL.network, y, width: WIDTH.network, height: ROW + 10, rx: 8 }),
    s('text', { x: COL.network + 10, y: y + 19, class: 'title' }, name),
    s('text', { x: COL.network + 10, y: y + 35, class: 'sub' }, clip(pn?.spec?.provider || (name === DEFAULT_NETWORK ? 'default network' : pn ? 'no provider' : 'does not exist'), 30)),
    s('text', { x: COL.network + 10, y: y + 50, class: 'sub state' }, state));
}

function clip(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** The pods the scheduler refused, with its message: the reason a pod is not on its networks. */
function unschedulable(pods) {
  const refused = pods.map(p => [p, podStatus(p)]).filter(([, st]) => st.cls === 'bad' || st.reason === 'ContainerCreating' || st.message);
  if (refused.length === 0) return null;
  return h('ul', { class: 'unschedulable', 'aria-label': 'Pods not running' },
    refused.map(([p, st]) => h('li', { class: st.cls, 'data-pod': `${p.metadata.namespace}/${p.metadata.name}` },
      h('strong', {}, `${p.metadata.namespace}/${p.metadata.name}`), ` ${st.text}`, st.reason ? ` (${st.reason})` : '', st.message ? `: ${st.message}` : '')));
}

function details(ctx, pod, attachments) {
  const status = podStatus(pod);
  const ifaces = interfacesOf(pod, attachments);
  return h('aside', { class: 'details', 'data-pod': `${pod.metadata.namespace}/${pod.metadata.name}` },
    h('h3', {}, 'Pod ', ctx.yamlLink('pods', pod, `${pod.metadata.namespace}/${pod.metadata.name}`)),
    h('p', {}, h('span', { class: `badge ${status.cls}` }, status.text), ' on ', pod.spec?.nodeName || 'no node', ', ', age(pod.metadata.creationTimestamp), ' old'),
    status.message ? h('p', { class: `alert ${status.cls === 'bad' ? 'error' : 'warn'}`, 'data-reason': status.reason }, h('strong', {}, status.reason || 'Reason'), ': ', status.message) : null,
    h('h4', {}, 'spec.networks'),
    table(['network', 'attachment', 'interface', 'default GW'],
      (pod.spec?.networks || []).map(n => h('tr', {},
        h('td', {}, n.podNetworkName || ''), h('td', {}, n.podNetworkAttachmentName || ''), h('td', {}, n.interfaceName || ''),
        h('td', {}, [n.isDefaultGW4 && 'v4', n.isDefaultGW6 && 'v6'].filter(Boolean).join(' '))))),
    h('h4', {}, 'status.podIPs'),
    table(['IP', 'podNetwork', 'interface'],
      (pod.status?.podIPs || []).map(ip => h('tr', {}, h('td', { class: 'mono' }, ip.ip), h('td', {}, ip.podNetwork ?? ''), h('td', {}, ip.interfaceName || ''))),
      'No IPs yet.', { class: 'pod-ips' }),
    ifaces.some(i => i.attachmentMissing) ? h('p', { class: 'alert error' }, 'A PodNetworkAttachment this pod names does not exist.') : null,
    h('h4', {}, 'Conditions'),
    h('p', {}, ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(t => conditionBadge(condition(pod, t), t))),
    h('h4', {}, 'Events'),
    podEvents(ctx, pod));
}
