package helm

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
)

// doc is one document of a template's output.
type doc struct {
	key   string
	index int    // index in the template's output, as SplitManifests counts
	text  string // the document as SplitManifests returns it
	line  int    // line of the output on which text starts
}

// splitOutput splits the output of one template into documents with Helm's
// SplitManifests and finds where each starts in the output.
func splitOutput(key, out string) []doc {
	m := releaseutil.SplitManifests(out)
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Sort(releaseutil.BySplitManifestsOrder(names))
	docs := make([]doc, 0, len(names))
	at, lines := 0, 0 // lines counts the newlines of out[:at]
	for i, n := range names {
		text := m[n]
		line := 1
		if k := strings.Index(out[at:], text); k >= 0 {
			lines += strings.Count(out[at:at+k], "\n")
			line = 1 + lines
			lines += strings.Count(text, "\n")
			at += k + len(text)
		}
		docs = append(docs, doc{key: key, index: i, text: text, line: line})
	}
	return docs
}

// rendered is an object of the clean render with the engine key of the
// template that produced it.
type rendered struct {
	obj *render.Object
	key string
}

// objects builds the objects of the clean render. A document that is not
// valid YAML is an error naming the template and the line of the rendered
// output; the other documents are kept. Hooks whose type Helm does not know
// are dropped (helm template drops them too) with a note.
func (ts templateSet) objects(out map[string]string) ([]rendered, []string, []error) {
	var objs []rendered
	var notes []string
	var errs []error
	for _, key := range sortedKeys(out) {
		if !rendersObjects(key) {
			continue
		}
		t := ts[key]
		if t == nil {
			t = &tmpl{key: key, file: key}
		}
		if n := len(out[key]); n > maxRenderedBytes {
			errs = append(errs, fmt.Errorf("%s: the template rendered %d bytes; prodlint parses at most %d bytes per template", t.file, n, maxRenderedBytes))
			continue
		}
		if n := yamlTokens(out[key]); n > maxYAMLTokens {
			errs = append(errs, fmt.Errorf("%s: the template rendered %d commas, brackets, braces and lines; prodlint parses at most %d per template", t.file, n, maxYAMLTokens))
			continue
		}
		for _, d := range splitOutput(key, out[key]) {
			nodes, err := parseDoc(d.text)
			if err != nil {
				errs = append(errs, renderedYAMLError(t.file, d, err))
			}
			for _, n := range nodes {
				o, err := render.NewObject(n)
				if err != nil {
					// An object that cannot be read (an alias bomb) is an
					// error, never silently left unlinted.
					errs = append(errs, fmt.Errorf("%s: rendered document %d: %s", t.file, d.index, strings.TrimPrefix(err.Error(), "yaml: ")))
					continue
				}
				if o == nil {
					continue
				}
				if bad := unknownHooks(o.Hook); bad != "" {
					notes = append(notes, fmt.Sprintf("%s: %s %q has unknown hook type %q; Helm skips it", t.file, o.Kind, o.Name, bad))
					continue
				}
				o.File, o.Doc = t.file, d.index
				o.Locator = fileLocator(t.file)
				objs = append(objs, rendered{o, key})
			}
		}
	}
	return objs, notes, errs
}

// parseDoc parses the YAML documents in the text of one rendered document
// (usually one) and returns those that are Kubernetes objects.
func parseDoc(text string) ([]*yaml.Node, error) {
	var out []*yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(text))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if render.IsObject(&n) {
			out = append(out, &n)
		}
	}
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// renderedYAMLError names the template and the line of its rendered output
// where the YAML error is.
func renderedYAMLError(file string, d doc, err error) error {
	msg := err.Error()
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return fmt.Errorf("%s: invalid YAML in the rendered output (document %d, line %d of the output): %s", file, d.index, d.line+n-1, m[2])
	}
	return fmt.Errorf("%s: invalid YAML in the rendered output (document %d): %s", file, d.index, strings.TrimPrefix(msg, "yaml: "))
}

// hookEvents are the hook types Helm knows (release/v1 util's events).
var hookEvents = map[string]bool{
	"pre-install": true, "post-install": true, "pre-delete": true, "post-delete": true,
	"pre-upgrade": true, "post-upgrade": true, "pre-rollback": true, "post-rollback": true,
	"test": true, "test-success": true,
}

// unknownHooks returns the first hook type of a helm.sh/hook annotation that
// Helm does not know, or "".
func unknownHooks(hook string) string {
	if hook == "" {
		return ""
	}
	for _, h := range strings.Split(hook, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); !hookEvents[h] {
			return h
		}
	}
	return ""
}

// markedDocs parses the marked render into documents per template key.
type markedDoc struct {
	node  *yaml.Node // the object mapping node, markers stripped from scalars
	lines []string   // the document's rendered lines, markers included
	kind  string
	ns    string
	name  string
}

func parseMarked(out map[string]string) map[string][]*markedDoc {
	res := map[string][]*markedDoc{}
	for key, text := range out {
		if !rendersObjects(key) || len(text) > 2*maxRenderedBytes || yamlTokens(text) > 2*maxYAMLTokens {
			continue
		}
		for _, d := range splitOutput(key, text) {
			md := &markedDoc{lines: strings.Split(d.text, "\n")}
			var n yaml.Node
			if err := yaml.NewDecoder(strings.NewReader(d.text)).Decode(&n); err == nil && len(n.Content) > 0 {
				stripNode(&n)
				md.node = n.Content[0]
				md.kind, md.ns, md.name = identity(md.node)
			}
			res[key] = append(res[key], md)
		}
	}
	return res
}

// stripNode removes the markers from every scalar of a marked document.
func stripNode(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		n.Value = stripMarkers(n.Value)
	}
	for _, c := range n.Content {
		stripNode(c)
	}
}

// identity returns the kind, namespace and name of an object node.
func identity(n *yaml.Node) (kind, ns, name string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return "", "", ""
	}
	kind = scalar(n, "kind")
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "metadata" {
			ns, name = scalar(n.Content[i+1], "namespace"), scalar(n.Content[i+1], "name")
		}
	}
	return kind, ns, name
}

func scalar(m *yaml.Node, key string) string {
	if m == nil || m.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.ScalarNode {
			return m.Content[i+1].Value
		}
	}
	return ""
}

// pair finds the marked document of a clean object: the document with the
// same index in the same template if it is the same object, else the first
// document of that template with the same kind, namespace and name.
func pair(o *render.Object, docs []*markedDoc) *markedDoc {
	same := func(md *markedDoc) bool {
		return md != nil && md.node != nil && md.kind == o.Kind && md.ns == o.Namespace && md.name == o.Name
	}
	// The marked render may have a document more or less before this one
	// (a marker line alone between two "---"): look there before searching
	// all, which would make a template of n objects cost n² comparisons.
	for _, i := range []int{o.Doc, o.Doc + 1, o.Doc - 1} {
		if i >= 0 && i < len(docs) && same(docs[i]) {
			return docs[i]
		}
	}
	for _, md := range docs {
		if same(md) {
			return md
		}
	}
	return nil
}

// attachLocators gives every template object its template locator, using
// the marked render when there is one.
func attachLocators(objs []rendered, ts templateSet, marked map[string]string) {
	var docs map[string][]*markedDoc
	if marked != nil {
		docs = parseMarked(marked)
	}
	ordinal := map[string]int{} // key+kind -> objects so far
	for _, r := range objs {
		o, key := r.obj, r.key
		t := ts[key]
		if t == nil || t.archive {
			o.Locator = fileLocator(o.File)
			continue
		}
		ok := key + "\x00" + o.Kind
		l := &locator{t: t, kind: o.Kind, ordinal: ordinal[ok]}
		ordinal[ok]++
		if md := pair(o, docs[key]); md != nil {
			l.marked, l.lines = md.node, md.lines
		}
		o.Locator = l
	}
}
