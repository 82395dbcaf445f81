package render

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseManifest feeds arbitrary bytes to the plain manifest parser and
// arbitrary object paths to the locator of every object it returns. Whatever
// the input, parsing must not panic, an error must be a *FileError naming the
// file, a path that parses must survive a String/ParsePath round trip, and
// every location (normalized, as findings are) must lie in the file, on a
// line that exists, with a non-empty span.
//
// Seeds: testdata/fuzz/FuzzParseManifest. Run for real with
//
//	go test -run '^$' -fuzz '^FuzzParseManifest$' -fuzztime 5m ./render
func FuzzParseManifest(f *testing.F) {
	for _, s := range []struct{ src, path string }{
		{manifest, "spec.template.spec.containers[name=web].securityContext"},
		{"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n", "metadata.name"},
		{"a: &x {apiVersion: v1, kind: Pod}\n---\napiVersion: v1\nkind: Pod\nmetadata: *x\nspec: {<<: *x}\n", "spec.kind"},
		{"\xef\xbb\xbfapiVersion: v1\r\nkind: ConfigMap\r\ndata:\r\n  k: v\r\n", `data["k"]`},
		{"apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: x, image: \"é\"}]\n", "spec.containers[0].image"},
		{"apiVersion: v1\nkind: [\n", "kind"},
		{"--- !!binary AAAA\n--- 3\n---\napiVersion: 1\nkind: 2\n", "[0]"},
	} {
		f.Add([]byte(s.src), s.path)
	}
	const file = "deploy/app.yaml"
	f.Fuzz(func(t *testing.T, src []byte, p string) {
		if len(src) > 64<<10 {
			return // the fuzzer hunts crashes, not slow huge inputs (hostile tests cover those)
		}
		objs, err := ParseManifest(file, src)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != file || fe.Line < 0 {
				t.Fatalf("ParseManifest error %v (%T): want a *FileError naming %s", err, err, file)
			}
		}
		path, perr := ParsePath(p)
		if perr == nil {
			back, err := ParsePath(path.String())
			if err != nil {
				t.Fatalf("ParsePath(%q).String() = %q does not parse: %v", p, path.String(), err)
			}
			if len(path) > 0 && !reflect.DeepEqual(back, path) {
				t.Fatalf("round trip of %q: %#v, then %q gives %#v", p, path, path.String(), back)
			}
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, o := range objs {
			if o.Locator == nil || o.Node == nil || o.File != file {
				t.Fatalf("object %s: locator %v, node %v, file %q", o.Ref(), o.Locator, o.Node, o.File)
			}
			for _, q := range []Path{path, nil, MustPath("metadata.name"), MustPath("spec.containers[name=x].image")} {
				checkLocation(t, file, lines, o.Locator.Locate(q).Normalize())
				FindNode(o.Node, q)
			}
		}
	})
}

// checkLocation fails when loc is not a usable place in file, which has
// lines lines.
func checkLocation(t *testing.T, file string, lines int, loc Location) {
	t.Helper()
	switch {
	case loc.File != file:
		t.Fatalf("location %+v: want file %s", loc, file)
	case loc.Line < 1 || loc.Line > lines || loc.EndLine < loc.Line || loc.EndLine > lines:
		t.Fatalf("location %+v: lines outside 1..%d", loc, lines)
	case loc.Col < 1 || loc.EndLine == loc.Line && loc.EndCol <= loc.Col:
		t.Fatalf("location %+v: empty or negative span", loc)
	}
}
