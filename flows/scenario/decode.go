package scenario

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder reads a YAML node tree into the tagged types of scenario.go.
// It exists for its errors: yaml's own decoder (even with KnownFields)
// names a problem by line and Go type ("field colour not found in type
// scenario.Scenario"), neither by the key's path nor with the keys it
// wants, and cannot place a rule's failure on a line, while a scenario's
// author gets every unknown or repeated key and every bad value at once,
// each with its line and path ("steps[2].authenticate.channel"). Keys come
// from the types' yaml tags, so reading and writing (yaml.Marshal) share
// one definition; what a value must be comes from its Go type; the rules
// of the format are each type's finish method (rules.go). Aliases are not
// followed: a file cannot make the decoder do more work than its size.
type decoder struct{ problems []Problem }

// finisher is a type with rules beyond its fields' types: finish runs once
// its mapping is decoded, fills defaults and reports what breaks a rule.
type finisher interface{ finish(c *checker) }

var durationType = reflect.TypeFor[time.Duration]()

// wants says what a value must be where its kind alone says too little.
var wants = map[reflect.Type]string{
	reflect.TypeFor[[]Step]():     "a list of steps",
	reflect.TypeFor[FieldNames](): "a list of field names",
	durationType:                  "a positive duration such as 300ms, 5s or 6m",
}

func (d *decoder) fail(n *yaml.Node, field, msg string) {
	if field == "" {
		field = "(file)"
	}
	d.problems = append(d.problems, Problem{Line: n.Line, Field: field, Msg: msg})
}

// must reports that n is not the kind of value v needs.
func (d *decoder) must(n *yaml.Node, field string, v reflect.Value) {
	want, ok := wants[v.Type()]
	if !ok {
		want = map[reflect.Kind]string{
			reflect.String: "a string", reflect.Bool: "true or false", reflect.Int: "an integer",
			reflect.Int64: "an integer", reflect.Struct: "a mapping of keys to values", reflect.Slice: "a list",
		}[v.Kind()]
	}
	d.fail(n, field, "must be "+want)
}

// value decodes n into v, which field names.
func (d *decoder) value(n *yaml.Node, field string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		d.value(n, field, p.Elem())
		v.Set(p)
	case reflect.Struct:
		d.mapping(n, field, v)
	case reflect.Slice:
		d.sequence(n, field, v)
	default:
		if !scalar(n, v) {
			d.must(n, field, v)
		}
	}
}

// scalar sets v from n, reporting whether n is a value v takes: a
// positive duration, any non-null scalar for a string, YAML's own booleans
// and (decimal) integers.
func scalar(n *yaml.Node, v reflect.Value) bool {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return false
	}
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(n.Value)
		if err != nil || d <= 0 {
			return false
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(n.Value)
	case v.Kind() == reflect.Bool && n.Tag == "!!bool":
		b, _ := strconv.ParseBool(n.Value)
		v.SetBool(b)
	case v.CanInt() && n.Tag == "!!int":
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil || v.OverflowInt(i) {
			return false
		}
		v.SetInt(i)
	default:
		return false
	}
	return true
}

func (d *decoder) sequence(n *yaml.Node, field string, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.must(n, field, v)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.value(item, fmt.Sprintf("%s[%d]", field, i), s.Index(i))
	}
	v.Set(s)
}

// mapping decodes a mapping into the struct v by its fields' yaml tags,
// refusing unknown and repeated keys, then applies v's rules.
func (d *decoder) mapping(n *yaml.Node, field string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.must(n, field, v)
		return
	}
	keys := keysOf(v.Type())
	c := &checker{d: d, n: n, path: field, given: map[string]*yaml.Node{}, bad: map[string]bool{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		f, known := keys[k.Value]
		switch {
		case !known:
			d.fail(k, c.field(k.Value), "unknown key (want one of: "+strings.Join(slices.Sorted(maps.Keys(keys)), ", ")+")")
		case c.given[k.Value] != nil:
			d.fail(k, c.field(k.Value), "given twice")
		default:
			c.given[k.Value] = val
			before := len(d.problems)
			d.value(val, c.field(k.Value), v.Field(f))
			c.bad[k.Value] = len(d.problems) > before
		}
	}
	if f, ok := v.Addr().Interface().(finisher); ok {
		f.finish(c)
	}
}

// keysOf maps the yaml keys of a struct type to its field indexes.
func keysOf(t reflect.Type) map[string]int {
	keys := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys[name] = i
		}
	}
	return keys
}

// checker is what a type's rules see of its mapping: which keys it gives,
// where, and whether their values decoded.
type checker struct {
	d     *decoder
	n     *yaml.Node            // the mapping
	path  string                // its field path
	given map[string]*yaml.Node // the known keys' values
	bad   map[string]bool       // keys whose value did not decode
}

// field is the path of key.
func (c *checker) field(key string) string {
	if c.path == "" {
		return key
	}
	return c.path + "." + key
}

// value is the node of key's value, or nil.
func (c *checker) value(key string) *yaml.Node { return c.given[key] }

// has reports whether the mapping gives key.
func (c *checker) has(key string) bool { return c.value(key) != nil }

// rule reports msg at key's value when the key is given, its value
// decoded, and ok is false.
func (c *checker) rule(key string, ok bool, msg string) {
	if v := c.value(key); v != nil && !ok && !c.bad[key] {
		c.d.fail(v, c.field(key), msg)
		c.bad[key] = true
	}
}

// require reports msg when set is false: at key's value when it is given
// (and decoded), at the mapping when it is not.
func (c *checker) require(key string, set bool, msg string) {
	if !c.has(key) && !set {
		c.d.fail(c.n, c.field(key), msg)
		return
	}
	c.rule(key, set, msg)
}

// fail reports msg against the whole mapping.
func (c *checker) fail(msg string) { c.d.fail(c.n, c.path, msg) }

// oneOf reports a value of key that is not one of allowed.
func oneOf[T ~string](c *checker, key string, v T, allowed []T) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	c.rule(key, slices.Contains(allowed, v), fmt.Sprintf("%q is not one of: %s", v, strings.Join(names, ", ")))
}
