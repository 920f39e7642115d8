// The console: follows the resources the current view needs (list + watch, as the user who opened the page), and
// redraws the view when they change. No polling: every change arrives on a watch stream.
import { Api, Informer } from './api.js';
import { listPath, objectPath, parseSelector, RESOURCES } from './model.js';
import { toYaml } from './yaml.js';
import { h } from './ui.js';
import topology from './views/topology.js';
import networks from './views/networks.js';
import workloads from './views/workloads.js';
import nodes from './views/nodes.js';
import events from './views/events.js';
import traffic from './views/traffic.js';

const VIEWS = { topology, networks, workloads, nodes, events, traffic };

const api = new Api();
const main = document.getElementById('main');
const informers = new Map();
const namespaces = new Set();
let view = null;
let drawPending = false;

const ctx = {
  api,
  filters: { namespace: '', selector: [], search: '' },
  /** The informer of a resource the current view needs. */
  informer: name => informers.get(name),
  /** The objects of a resource, keyed by namespace/name (empty while not listed or refused). */
  items: name => informers.get(name)?.items || new Map(),
  /** Opens the read-only YAML of an object, read fresh from the API. */
  showYaml: (resource, obj) => showYaml(resource, obj),
  /** A link that opens an object's YAML. */
  yamlLink: (resource, obj, text) => h('a', {
    href: '#', class: 'yaml-link', title: 'YAML', 'data-yaml': `${resource}:${obj.metadata.namespace || ''}/${obj.metadata.name}`,
    onclick: e => { e.preventDefault(); showYaml(resource, obj); },
  }, text ?? obj.metadata.name),
  redraw: () => scheduleDraw(),
  state: {},
};

function currentView() {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS[name] ? name : 'topology';
}

/** Starts the informers the view needs (in the chosen namespace) and stops the others. */
function follow(needs) {
  const wanted = new Map(needs.map(name => [name, listPath(name, ctx.filters.namespace)]));
  for (const [name, informer] of informers) {
    if (wanted.get(name) !== informer.path) {
      informer.stop();
      informers.delete(name);
    }
  }
  for (const [name, path] of wanted) {
    if (!informers.has(name)) {
      informers.set(name, new Informer(api, path, changed => { noteNamespaces(changed); scheduleDraw(); }).start());
    }
  }
}

function noteNamespaces(informer) {
  const list = document.getElementById('namespaces');
  let added = false;
  for (const o of informer.items.values()) {
    const ns = o.metadata.namespace;
    if (ns && !namespaces.has(ns)) { namespaces.add(ns); added = true; }
  }
  if (added) list.replaceChildren(...[...namespaces].sort().map(ns => h('option', { value: ns })));
}

function activate() {
  const name = currentView();
  if (view?.name !== name) {
    view?.module.stop?.(ctx);
    view = { name, module: VIEWS[name] };
    view.module.start?.(ctx);
  }
  for (const a of document.querySelectorAll('#views a')) {
    a.toggleAttribute('aria-current', a.dataset.view === name);
  }
  follow(view.module.needs);
  draw();
}

function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { drawPending = false; draw(); });
}

function draw() {
  const scrollTop = main.scrollTop;
  main.replaceChildren(view.module.render(ctx));
  main.scrollTop = scrollTop;
  main.dataset.view = view.name;
}

async function showYaml(resource, obj) {
  const dialog = document.getElementById('yaml');
  document.getElementById('yaml-title').textContent = `${RESOURCES[resource].kind} ${obj.metadata.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata.name}`;
  const body = document.getElementById('yaml-body');
  body.textContent = 'Loading…';
  if (!dialog.open) dialog.showModal();
  try {
    body.textContent = toYaml(await api.get(objectPath(resource, obj)));
  } catch (e) {
    body.textContent = `Error from server: ${e.message}`;
  }
}

function readFilters() {
  const namespace = document.getElementById('namespace').value.trim();
  const changedNamespace = namespace !== ctx.filters.namespace;
  ctx.filters = {
    namespace,
    selector: parseSelector(document.getElementById('labels').value),
    search: document.getElementById('search').value.trim(),
  };
  if (changedNamespace) follow(view.module.needs);
  scheduleDraw();
}

function restartAll() {
  for (const informer of informers.values()) informer.stop();
  informers.clear();
  view?.module.stop?.(ctx);
  view?.module.start?.(ctx);
  activate();
}

function setUpSignIn() {
  const form = document.getElementById('signin');
  const open = document.getElementById('signin-open');
  const label = () => { open.textContent = api.token ? 'Signed in (token)' : 'Sign in'; };
  label();
  open.addEventListener('click', () => { form.hidden = !form.hidden; if (!form.hidden) document.getElementById('token').focus(); });
  form.addEventListener('submit', e => {
    e.preventDefault();
    api.token = document.getElementById('token').value.trim();
    document.getElementById('token').value = '';
    form.hidden = true;
    label();
    restartAll();
  });
  document.getElementById('signout').addEventListener('click', () => {
    api.token = '';
    form.hidden = true;
    label();
    restartAll();
  });
}

document.getElementById('filters').addEventListener('input', readFilters);
document.getElementById('filters').addEventListener('submit', e => e.preventDefault());
document.getElementById('yaml-close').addEventListener('click', () => document.getElementById('yaml').close());
window.addEventListener('hashchange', activate);
setUpSignIn();
activate();
