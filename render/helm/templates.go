package helm

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/prodlint/prodlint/render"
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
)

// tmpl is one template of a processed chart tree.
type tmpl struct {
	key     string // engine key: "<chart>/charts/<name|alias>/templates/x.yaml"
	file    string // repository-relative file (the .tgz for archived subcharts)
	archive bool   // file is an archive: lines inside it are unknown
	src     string // template text
	lazy
}

// templateSet maps engine keys of a processed chart to their templates.
type templateSet map[string]*tmpl

// templates lists the templates of a processed chart tree. Engine keys use
// Chart.yaml names and aliases; the files they map to are found through the
// template pointers the processed copy shares with the loaded tree.
func (l *loaded) templates(ch *chartv2.Chart) templateSet {
	ts := templateSet{}
	var walk func(c *chartv2.Chart)
	walk = func(c *chartv2.Chart) {
		full := c.ChartFullPath()
		for _, t := range c.Templates {
			if t == nil {
				continue
			}
			src, ok := l.files[t]
			if !ok {
				src = l.sourceOf(c)
			}
			key := path.Join(full, t.Name)
			ts[key] = &tmpl{key: key, file: src.file(t.Name), archive: src.archive != "", src: string(t.Data)}
		}
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(ch)
	return ts
}

// sortedKeys returns the keys of rendered output in a stable order.
func sortedKeys(out map[string]string) []string {
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rendersObjects reports whether the output of a template is linted: not
// NOTES.txt, not a partial.
func rendersObjects(key string) bool {
	base := path.Base(key)
	return base != "NOTES.txt" && !strings.HasPrefix(base, "_")
}

// fileOf returns the repository file of an engine key, or the key itself
// when it is unknown.
func (ts templateSet) fileOf(key string) string {
	if t, ok := ts[key]; ok {
		return t.file
	}
	return key
}

// translate replaces the engine keys in a message by repository paths.
func (ts templateSet) translate(msg string) string {
	keys := make([]string, 0, len(ts))
	for k := range ts {
		if strings.Contains(msg, k) {
			keys = append(keys, k)
		}
	}
	// Longest first, so that a key is never rewritten by its own prefix.
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, ts[k].file)
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

var (
	// helmErrRE matches helm's "execution error at (key:12:3): msg" and
	// "parse error at (key:12): msg".
	helmErrRE = regexp.MustCompile(`^(execution|parse) error at \(([^()]+?):(\d+)(?::(\d+))?\): (?s:(.*))$`)
	// traceLocRE matches the first line of helm's multi-line trace errors:
	// "key:12:3".
	traceLocRE = regexp.MustCompile(`^(\S+?):(\d+)(?::(\d+))?$`)
)

// engineError turns an engine error into a one-line error that starts with
// the repository file, line and column of the failing template:
// "charts/web/templates/deployment.yaml:12:3: execution error: msg".
func (ts templateSet) engineError(dir string, err error) error {
	msg := strings.TrimSpace(err.Error())
	if m := includeLoopRE.FindStringSubmatch(msg); m != nil {
		// Every level of the loop wraps the error of the next: a message of
		// a thousand levels says nothing more than its first and last.
		where := dir
		if l := execLocRE.FindStringSubmatch(msg); l != nil {
			where = position(ts.fileOf(l[1]), l[2], l[3])
		}
		return fmt.Errorf("%s: include loop: template %q includes itself more than %d levels deep, Helm's limit", where, m[1], 1000)
	}
	if m := helmErrRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s: %s error: %s", position(ts.fileOf(m[2]), m[3], m[4]), m[1], shorten(oneLine(ts.translate(m[5]))))
	}
	first, rest, _ := strings.Cut(msg, "\n")
	if m := traceLocRE.FindStringSubmatch(first); m != nil && rest != "" {
		return fmt.Errorf("%s: execution error: %s", position(ts.fileOf(m[1]), m[2], m[3]), shorten(oneLine(ts.translate(rest))))
	}
	if m := execErrRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s: execution error: %s", position(ts.fileOf(m[1]), m[2], m[3]), shorten(oneLine(ts.translate(m[4]))))
	}
	return fmt.Errorf("%s: render error: %s", dir, shorten(oneLine(ts.translate(msg))))
}

var (
	// includeLoopRE matches Helm's include recursion limit.
	includeLoopRE = regexp.MustCompile(`rendering template has a nested reference name: (.*?): unable to execute template`)
	// execLocRE matches the first template position of an execution error.
	execLocRE = regexp.MustCompile(`template: ([^:\s]+):(\d+):(\d+): executing`)
	// execErrRE matches text/template's own execution errors, which Helm
	// passes on unchanged (a function that returned an error).
	execErrRE = regexp.MustCompile(`^template: ([^:\s]+):(\d+):(\d+): (?s:(executing .*))$`)
)

// maxMessage bounds the length of an engine error message: nested
// includes make messages that repeat themselves for every level.
const maxMessage = 2000

// shorten keeps the start and the end of a message longer than maxMessage.
func shorten(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	// Cutting may split a character; ToValidUTF8 drops its pieces.
	return strings.ToValidUTF8(s[:maxMessage*2/3], "") + " … " + strings.ToValidUTF8(s[len(s)-maxMessage/3:], "")
}

func position(file, line, col string) string {
	if col != "" {
		return file + ":" + line + ":" + col
	}
	return file + ":" + line
}

// oneLine folds a multi-line message into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// crdObjects returns the objects of the crds/ folders of the processed chart
// and its enabled subcharts, located exactly in their files (or at the
// archive for archived subcharts).
func (l *loaded) crdObjects(ch *chartv2.Chart) ([]*render.Object, error) {
	var out []*render.Object
	var errs []string
	for _, crd := range ch.CRDObjects() {
		src, ok := l.files[crd.File]
		if !ok {
			src = l.root
		}
		file := src.file(crd.Name)
		objs, err := render.ParseManifest(file, crd.File.Data)
		if err != nil {
			errs = append(errs, err.Error())
		}
		for _, o := range objs {
			if src.archive != "" {
				o.Locator = fileLocator(src.archive)
			}
		}
		out = append(out, objs...)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// markedChart copies a processed chart tree and replaces every template that
// renders objects by its marked version. The processed chart is not
// modified: the copy has its own Templates slices and File values. Marked
// files are made once per chart load and shared by the variants.
func (l *loaded) markedChart(ch *chartv2.Chart) *chartv2.Chart {
	mc := cloneChart(ch)
	var walk func(c *chartv2.Chart)
	walk = func(c *chartv2.Chart) {
		ts := make([]*common.File, len(c.Templates))
		for i, t := range c.Templates {
			ts[i] = l.markedFile(t)
		}
		c.Templates = ts
		for _, d := range c.Dependencies() {
			walk(d)
		}
	}
	walk(mc)
	return mc
}

// markedFile returns the marked copy of a template, or the template itself
// when it does not render objects.
func (l *loaded) markedFile(t *common.File) *common.File {
	if t == nil || !rendersObjects(t.Name) {
		return t
	}
	if m, ok := l.marked[t]; ok {
		return m
	}
	m := &common.File{Name: t.Name, ModTime: t.ModTime, Data: []byte(mark(string(t.Data)))}
	if l.marked == nil {
		l.marked = map[*common.File]*common.File{}
	}
	l.marked[t] = m
	return m
}
