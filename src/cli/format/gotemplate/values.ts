// How Go would see our JSON-like values. Templates run over plain objects (the inspect JSON, the
// listing rows), where docker runs them over Go structs and maps. An object whose keys all look
// like exported Go field names ("State", "ExitCode") is taken for a struct: a missing field is an
// error and it prints as {v1 v2}; any other object (labels, networks by name, ports) is a map:
// a missing key is "<no value>", it prints as map[k:v] and ranges in sorted key order. null stands
// for Go's nil map or slice (an empty Labels or Env), so fields of it are "<no value>" too.

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'struct' | 'map' | 'func';

export type Obj = Record<string, unknown>;

const GO_FIELD = /^[A-Z][A-Za-z0-9_]*$/;

export function isStructLike(o: Obj): boolean {
  const keys = Object.keys(o);
  return keys.length > 0 && keys.every((k) => GO_FIELD.test(k));
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined': return 'invalid';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint': return 'int';
    case 'string': return 'string';
    case 'function': return 'func';
    default:
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      return isStructLike(v as Obj) ? 'struct' : 'map';
  }
}

/** The Go type docker's raw-JSON fallback would report ("wrong type for value; expected string; got int"). */
export function typeName(v: unknown): string {
  const k = kindOf(v);
  switch (k) {
    case 'invalid': return '<invalid reflect.Value>';
    case 'nil': return '<nil>';
    case 'float': return 'float64';
    case 'slice': return '[]interface {}';
    case 'struct':
    case 'map': return 'map[string]interface {}';
    default: return k;
  }
}

/** Go's template truth: false, 0, "", empty slices and maps, nil and missing values are false. */
export function truth(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil': return false;
    case 'bool': return v as boolean;
    case 'int':
    case 'float': return v !== 0;
    case 'string':
    case 'slice': return (v as string | unknown[]).length > 0;
    case 'map': return Object.keys(v as Obj).length > 0;
    default: return true;
  }
}

/** Map keys in Go's order (fmt, range and encoding/json sort them). */
export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort();
}

/** Go's json.Marshal with SetEscapeHTML(false), as docker's `json` function: map keys sorted. */
export function goJson(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
    case 'func': return 'null';
    case 'string': return JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
    case 'int':
    case 'float': return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'bool': return String(v);
    case 'slice': return `[${(v as unknown[]).map(goJson).join(',')}]`;
    default: {
      const o = v as Obj;
      const keys = kindOf(v) === 'map' ? sortedKeys(o) : Object.keys(o);
      return `{${keys.filter((k) => o[k] !== undefined).map((k) => `${goJson(k)}:${goJson(o[k])}`).join(',')}}`;
    }
  }
}
