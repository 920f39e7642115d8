// What the views derive from the API's objects: the resources the console follows, a pod's interfaces (from
// spec.networks and status.podIPs), why a pod is not running, filters.

/** The resources the console follows: API path (cluster-wide; namespaced ones also per namespace) and scope. */
export const RESOURCES = {
  pods: { base: '/api/v1', plural: 'pods', namespaced: true, kind: 'Pod' },
  events: { base: '/api/v1', plural: 'events', namespaced: true, kind: 'Event' },
  nodes: { base: '/api/v1', plural: 'nodes', namespaced: false, kind: 'Node' },
  podnetworks: { base: '/apis/networking.k8s.io/v1alpha1', plural: 'podnetworks', namespaced: false, kind: 'PodNetwork' },
  podnetworkattachments: { base: '/apis/networking.k8s.io/v1alpha1', plural: 'podnetworkattachments', namespaced: true, kind: 'PodNetworkAttachment' },
  nads: { base: '/apis/k8s.cni.cncf.io/v1', plural: 'network-attachment-definitions', namespaced: true, kind: 'NetworkAttachmentDefinition' },
  deployments: { base: '/apis/apps/v1', plural: 'deployments', namespaced: true, kind: 'Deployment' },
  replicasets: { base: '/apis/apps/v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' },
  statefulsets: { base: '/apis/apps/v1', plural: 'statefulsets', namespaced: true, kind: 'StatefulSet' },
  jobs: { base: '/apis/batch/v1', plural: 'jobs', namespaced: true, kind: 'Job' },
};

/** The list path of a resource, in a namespace when one is chosen and the resource is namespaced. */
export function listPath(name, namespace) {
  const r = RESOURCES[name];
  return r.namespaced && namespace ? `${r.base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${r.base}/${r.plural}`;
}

/** The path of one object of a resource. */
export function objectPath(name, obj) {
  const r = RESOURCES[name];
  const ns = obj.metadata.namespace;
  return `${r.base}/${r.namespaced && ns ? `namespaces/${encodeURIComponent(ns)}/` : ''}${r.plural}/${encodeURIComponent(obj.metadata.name)}`;
}

/** The name of the default PodNetwork. */
export const DEFAULT_NETWORK = 'kubernetes';

/**
 * A pod's interfaces: one per spec.networks entry, with the PodNetwork it resolves to (through the attachment in the
 * pod's namespace for podNetworkAttachmentName) and the status.podIPs written for it.
 */
export function interfacesOf(pod, attachments) {
  const ips = pod.status?.podIPs || [];
  const entries = pod.spec?.networks || [];
  const used = new Set();
  const result = entries.map(entry => {
    const attachment = entry.podNetworkAttachmentName
      ? attachments.get(`${pod.metadata.namespace}/${entry.podNetworkAttachmentName}`) : null;
    const network = entry.podNetworkName || attachment?.spec?.podNetworkName || '';
    const mine = ips.filter(ip => !used.has(ip) && (
      (entry.interfaceName && ip.interfaceName === entry.interfaceName) ||
      (!ip.interfaceName && (ip.podNetwork === network || ip.podNetwork === entry.podNetworkAttachmentName))));
    mine.forEach(ip => used.add(ip));
    return {
      name: entry.interfaceName || '',
      network,
      attachment: entry.podNetworkAttachmentName || '',
      attachmentMissing: !!entry.podNetworkAttachmentName && !attachment,
      ips: mine.map(ip => ip.ip),
      defaultGateway: !!(entry.isDefaultGW4 || entry.isDefaultGW6),
    };
  });
  // IPs no entry claims (a pod created without the gate, a hostNetwork pod): the default network's.
  const rest = ips.filter(ip => !used.has(ip));
  if (entries.length === 0 && rest.length > 0) {
    result.push({ name: rest[0].interfaceName || 'eth0', network: rest[0].podNetwork || DEFAULT_NETWORK, attachment: '', attachmentMissing: false, ips: rest.map(ip => ip.ip), defaultGateway: true });
  }
  return result;
}

/** A pod's status as kubectl's STATUS column says it, and why when it is not running. */
export function podStatus(pod) {
  if (pod.metadata.deletionTimestamp) return { text: 'Terminating', cls: 'warn', reason: '' };
  const scheduled = (pod.status?.conditions || []).find(c => c.type === 'PodScheduled');
  const waiting = (pod.status?.containerStatuses || []).map(c => c.state?.waiting).find(Boolean);
  const phase = pod.status?.phase || 'Pending';
  if (phase === 'Pending' && scheduled?.status === 'False') {
    return { text: 'Pending', cls: 'bad', reason: scheduled.reason || 'Unschedulable', message: scheduled.message || '' };
  }
  if (waiting) return { text: waiting.reason || 'Waiting', cls: 'warn', reason: waiting.reason || '', message: waiting.message || '' };
  const cls = phase === 'Running' || phase === 'Succeeded' ? 'ok' : phase === 'Failed' ? 'bad' : 'warn';
  return { text: phase, cls, reason: pod.status?.reason || '', message: pod.status?.message || '' };
}

/** Whether a PodNetwork is enabled (absent means true). */
export const enabled = pn => pn?.spec?.enabled !== false;

/** The parsed CNI config of a NetworkAttachmentDefinition: its type and its IPAM ranges. */
export function nadSummary(nad) {
  try {
    const config = JSON.parse(nad.spec?.config || '{}');
    const plugin = config.type || (config.plugins || [])[0]?.type || '';
    const ipam = config.ipam || (config.plugins || []).find(p => p.ipam)?.ipam || {};
    const ranges = (ipam.ranges || []).flat().map(r => r.subnet).filter(Boolean);
    if (ipam.subnet) ranges.push(ipam.subnet);
    for (const a of ipam.addresses || []) ranges.push(a.address);
    return { plugin, ipam: ipam.type || '', ranges };
  } catch {
    return { plugin: '', ipam: '', ranges: [], invalid: true };
  }
}

/** The label selector of the filter box: "a=b,c!=d,e,!f" (equality-based, as kubectl -l). */
export function parseSelector(text) {
  return text.split(',').map(t => t.trim()).filter(Boolean).map(term => {
    let m;
    if ((m = term.match(/^([^!=]+)!=(.*)$/))) return labels => labels[m[1].trim()] !== m[2].trim();
    if ((m = term.match(/^([^!=]+)==?(.*)$/))) return labels => labels[m[1].trim()] === m[2].trim();
    if (term.startsWith('!')) return labels => !(term.slice(1).trim() in labels);
    return labels => term in labels;
  });
}

/** Whether an object passes the namespace, label and search filters; search matches any of the extra texts too. */
export function passes(obj, filters, ...texts) {
  if (filters.namespace && obj.metadata.namespace && obj.metadata.namespace !== filters.namespace) return false;
  const labels = obj.metadata.labels || {};
  if (!filters.selector.every(test => test(labels))) return false;
  if (!filters.search) return true;
  const needle = filters.search.toLowerCase();
  return [obj.metadata.name, obj.metadata.namespace, ...texts].some(t => t && String(t).toLowerCase().includes(needle));
}

/** The pods of the informer cache that pass the filters, sorted by namespace and name. */
export function filteredPods(pods, filters, attachments) {
  return [...pods.values()]
    .filter(p => passes(p, filters, p.spec?.nodeName, ...(p.status?.podIPs || []).map(i => i.ip),
      ...interfacesOf(p, attachments).map(i => i.network)))
    .sort((a, b) => (a.metadata.namespace + '/' + a.metadata.name).localeCompare(b.metadata.namespace + '/' + b.metadata.name));
}
