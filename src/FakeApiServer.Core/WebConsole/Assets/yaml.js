// Objects as `kubectl get -o yaml` prints them: keys in alphabetical order (kubectl goes through a map), managedFields
// left out (kubectl's --show-managed-fields=false), block scalars for multi-line strings.

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./ :-]*$/;
const AMBIGUOUS = /^(true|false|yes|no|on|off|y|n|null|~|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.inf|\.nan)$/i;

function scalar(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  if (value === '' || !PLAIN.test(value) || AMBIGUOUS.test(value) || value.endsWith(' ') || value.includes(': ') || value.endsWith(':')) {
    return JSON.stringify(value);
  }
  return value;
}

function isEmpty(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

function emit(value, indent, lines, prefix) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item && typeof item === 'object' && !isEmpty(item)) {
        const sub = [];
        emit(item, indent + 2, sub, '');
        sub[0] = `${pad}- ${sub[0].slice(indent + 2)}`;
        lines.push(...sub);
      } else {
        lines.push(`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    const k = `${pad}${scalar(key)}:`;
    if (isEmpty(v)) lines.push(`${k} ${Array.isArray(v) ? '[]' : '{}'}`);
    else if (Array.isArray(v)) { lines.push(k); emit(v, indent, lines, prefix); }
    else if (v && typeof v === 'object') { lines.push(k); emit(v, indent + 2, lines, prefix); }
    else if (typeof v === 'string' && v.includes('\n')) {
      lines.push(`${k} |${v.endsWith('\n') ? '' : '-'}`);
      for (const line of v.replace(/\n$/, '').split('\n')) lines.push(line ? `${pad}  ${line}` : '');
    } else lines.push(`${k} ${scalar(v)}`);
  }
}

/** The YAML text of an object, as kubectl get -o yaml shows it. */
export function toYaml(obj) {
  const copy = structuredClone(obj);
  if (copy.metadata) delete copy.metadata.managedFields;
  const lines = [];
  emit(copy, 0, lines, '');
  return lines.join('\n') + '\n';
}
