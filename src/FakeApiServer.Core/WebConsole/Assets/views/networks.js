// Networks: every PodNetwork (enabled, provider, parameters and the NetworkAttachmentDefinition they point to, Ready
// and ParamsReady, in-use protection), every PodNetworkAttachment, and the pods attached to each.
import { h, apiError, table, age, condition, conditionBadge } from '../ui.js';
import { enabled, filteredPods, interfacesOf, nadSummary, passes } from '../model.js';

const PROTECTION = 'networking.k8s.io/pod-network-protection';

export default {
  needs: ['podnetworks', 'podnetworkattachments', 'nads', 'pods'],
  render,
};

function render(ctx) {
  const section = h('section', { class: 'networks' }, h('h2', {}, 'PodNetworks'));
  const pnInformer = ctx.informer('podnetworks');
  if (pnInformer?.error) { section.append(apiError('podnetworks', pnInformer.error)); return section; }
  for (const name of ['pods', 'nads', 'podnetworkattachments']) {
    if (ctx.informer(name)?.error) section.append(apiError(name, ctx.informer(name).error));
  }
  const attachments = ctx.items('podnetworkattachments');
  const pods = filteredPods(ctx.items('pods'), { ...ctx.filters, selector: [], search: '' }, attachments);
  const podsOn = name => pods.filter(p => interfacesOf(p, attachments).some(i => i.network === name || i.attachment === name));
  const nads = ctx.items('nads');
  const networks = [...ctx.items('podnetworks').values()].filter(pn => passes(pn, { ...ctx.filters, namespace: '' }, pn.spec?.provider)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  section.append(table(['name', 'enabled', 'provider', 'parameters', 'conditions', 'in use', 'pods', 'age'], networks.map(pn => {
    const attached = podsOn(pn.metadata.name);
    return h('tr', { 'data-podnetwork': pn.metadata.name },
      h('td', {}, ctx.yamlLink('podnetworks', pn)),
      h('td', {}, h('span', { class: `badge ${enabled(pn) ? 'ok' : 'bad'}` }, enabled(pn) ? 'true' : 'false')),
      h('td', {}, pn.spec?.provider || h('span', { class: 'muted' }, '<none>')),
      h('td', {}, parameters(ctx, pn.spec?.parametersRefs, nads, '')),
      h('td', {}, conditionBadge(condition(pn, 'Ready'), 'Ready'), ' ', conditionBadge(condition(pn, 'ParamsReady'), 'ParamsReady')),
      h('td', {}, (pn.metadata.finalizers || []).includes(PROTECTION) ? h('span', { class: 'badge warn', title: PROTECTION }, 'protected') : '',
        pn.metadata.deletionTimestamp ? h('span', { class: 'badge bad' }, 'terminating') : ''),
      h('td', {}, podList(ctx, attached)),
      h('td', {}, age(pn.metadata.creationTimestamp)));
  }), 'No PodNetworks.', { class: 'podnetworks' }));

  section.append(h('h2', {}, 'PodNetworkAttachments'));
  const pnas = [...attachments.values()].filter(a => passes(a, ctx.filters, a.spec?.podNetworkName));
  section.append(table(['namespace', 'name', 'podNetwork', 'parameters', 'conditions', 'pods', 'age'], pnas.map(a => h('tr', { 'data-podnetworkattachment': `${a.metadata.namespace}/${a.metadata.name}` },
    h('td', {}, a.metadata.namespace),
    h('td', {}, ctx.yamlLink('podnetworkattachments', a)),
    h('td', {}, a.spec?.podNetworkName || ''),
    h('td', {}, parameters(ctx, a.spec?.parametersRefs, nads, a.metadata.namespace)),
    h('td', {}, conditionBadge(condition(a, 'Ready'), 'Ready'), ' ', conditionBadge(condition(a, 'ParamsReady'), 'ParamsReady')),
    h('td', {}, podList(ctx, pods.filter(p => p.metadata.namespace === a.metadata.namespace && interfacesOf(p, attachments).some(i => i.attachment === a.metadata.name)))),
    h('td', {}, age(a.metadata.creationTimestamp)))), 'No PodNetworkAttachments.'));

  section.append(h('h2', {}, 'NetworkAttachmentDefinitions'));
  section.append(table(['namespace', 'name', 'CNI plugin', 'IPAM', 'ranges'], [...nads.values()].filter(n => passes(n, ctx.filters)).map(n => {
    const sum = nadSummary(n);
    return h('tr', { 'data-nad': `${n.metadata.namespace}/${n.metadata.name}` },
      h('td', {}, n.metadata.namespace), h('td', {}, ctx.yamlLink('nads', n)), h('td', {}, sum.invalid ? h('span', { class: 'badge bad' }, 'invalid config') : sum.plugin),
      h('td', {}, sum.ipam), h('td', { class: 'mono' }, sum.ranges.join(', ')));
  }), 'No NetworkAttachmentDefinitions.'));
  return section;
}

/** parametersRefs as kind/namespace/name, each linked to its NetworkAttachmentDefinition when it is one that exists. */
function parameters(ctx, refs, nads, defaultNamespace) {
  if (!refs?.length) return h('span', { class: 'muted' }, '<none>');
  return refs.map(ref => {
    const ns = ref.namespace || defaultNamespace;
    const nad = ref.kind === 'NetworkAttachmentDefinition' && nads.get(`${ns}/${ref.name}`);
    const text = `${ref.kind}/${ns ? ns + '/' : ''}${ref.name}`;
    return h('div', { class: 'param' }, nad ? ctx.yamlLink('nads', nad, text) : h('span', { title: 'not found', class: ref.kind === 'NetworkAttachmentDefinition' ? 'missing' : '' }, text),
      nad ? h('span', { class: 'muted' }, ` (${nadSummary(nad).ranges.join(', ')})`) : '');
  });
}

function podList(ctx, pods) {
  if (pods.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('ul', { class: 'inline' }, pods.map(p => h('li', {}, ctx.yamlLink('pods', p, `${p.metadata.namespace}/${p.metadata.name}`))));
}
