// Workloads: Deployments, ReplicaSets, StatefulSets and Jobs with their pods' phases (pods found by owner references).
import { h, apiError, table, age } from '../ui.js';
import { passes, podStatus } from '../model.js';

export default {
  needs: ['deployments', 'replicasets', 'statefulsets', 'jobs', 'pods'],
  render,
};

const KINDS = [
  { resource: 'deployments', title: 'Deployments', ready: d => `${d.status?.readyReplicas || 0}/${d.spec?.replicas ?? 1}` },
  { resource: 'replicasets', title: 'ReplicaSets', ready: r => `${r.status?.readyReplicas || 0}/${r.spec?.replicas ?? 1}` },
  { resource: 'statefulsets', title: 'StatefulSets', ready: s => `${s.status?.readyReplicas || 0}/${s.spec?.replicas ?? 1}` },
  { resource: 'jobs', title: 'Jobs', ready: j => `${j.status?.succeeded || 0}/${j.spec?.completions ?? 1} complete` },
];

function render(ctx) {
  const section = h('section', { class: 'workloads' });
  const podsError = ctx.informer('pods')?.error;
  if (podsError) section.append(apiError('pods', podsError));
  // Pods by the uid of their controller; a ReplicaSet's pods also count for its Deployment.
  const byOwner = new Map();
  const add = (uid, pod) => { if (!byOwner.has(uid)) byOwner.set(uid, []); byOwner.get(uid).push(pod); };
  const rsOwner = new Map([...ctx.items('replicasets').values()].map(rs => [rs.metadata.uid, (rs.metadata.ownerReferences || []).find(o => o.controller)?.uid]));
  for (const pod of ctx.items('pods').values()) {
    const owner = (pod.metadata.ownerReferences || []).find(o => o.controller);
    if (!owner) continue;
    add(owner.uid, pod);
    if (rsOwner.get(owner.uid)) add(rsOwner.get(owner.uid), pod);
  }
  for (const kind of KINDS) {
    section.append(h('h2', {}, kind.title));
    const informer = ctx.informer(kind.resource);
    if (informer?.error) { section.append(apiError(kind.resource, informer.error)); continue; }
    const objects = [...ctx.items(kind.resource).values()].filter(o => passes(o, ctx.filters))
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    section.append(table(['namespace', 'name', 'ready', 'pods', 'age'], objects.map(o => h('tr', { [`data-${kind.resource}`]: `${o.metadata.namespace}/${o.metadata.name}` },
      h('td', {}, o.metadata.namespace),
      h('td', {}, ctx.yamlLink(kind.resource, o)),
      h('td', {}, kind.ready(o)),
      h('td', {}, phases(byOwner.get(o.metadata.uid) || [])),
      h('td', {}, age(o.metadata.creationTimestamp)))), `No ${kind.title}.`));
  }
  return section;
}

function phases(pods) {
  if (pods.length === 0) return h('span', { class: 'muted' }, 'no pods');
  const counts = new Map();
  for (const pod of pods) {
    const st = podStatus(pod);
    const key = `${st.cls}|${st.text}`;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return [...counts].map(([key, n]) => { const [cls, text] = key.split('|'); return h('span', { class: `badge ${cls}` }, `${n} ${text}`); });
}
