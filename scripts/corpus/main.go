//go:build ignore

// Command corpus renders and lints every row of a corpus's targets.tsv with
// prodlint's own renderers, one target (and one Helm values file) at a
// time, the way the real tools were measured for the tsv, and prints one
// line per row: status, rendered objects against the expected count,
// findings, time. It is the measuring half of scripts/corpus.sh and is not
// part of the test suite.
//
//	go run scripts/corpus/main.go -corpus ../shared/corpus [-findings FILE] [-md]
//
// Exit status: 0 when every row renders as targets.tsv expects (status and
// object count) and nothing panicked, 1 otherwise, 2 on usage errors.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/helm"
	"github.com/prodlint/prodlint/render/kustomize"
)

// row is one line of targets.tsv.
type row struct {
	kind, path, expected, values, note string
	objects                            int
}

// result is what prodlint made of a row.
type result struct {
	row
	status   string // renders | error
	objects  int
	findings []lint.Finding
	took     time.Duration
	err      string
	panicked bool
}

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "folder with targets.tsv")
	findingsFile := flag.String("findings", "", "write every finding, one per line, to this file")
	md := flag.Bool("md", false, "print a Markdown table instead of TSV")
	kubeVersion := flag.String("kube-version", "1.34.0", "Kubernetes version (targets.tsv was measured with 1.34.0)")
	flag.Parse()
	kustomize.GuardNetwork()

	root, err := filepath.Abs(*corpus)
	if err != nil {
		fail(err)
	}
	rows, err := readRows(filepath.Join(root, "targets.tsv"))
	if err != nil {
		fail(err)
	}
	opts := render.Options{Root: root, KubeVersion: *kubeVersion, ReleaseName: "release-name", Namespace: "default"}
	var results []result
	for _, r := range rows {
		results = append(results, run(r, opts))
	}
	bad := report(os.Stdout, results, *md)
	if *findingsFile != "" {
		if err := writeFindings(*findingsFile, results); err != nil {
			fail(err)
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "corpus:", err)
	os.Exit(2)
}

// readRows reads targets.tsv: comment lines start with #, the header starts
// with "kind".
func readRows(file string) ([]row, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "kind\t") {
			continue
		}
		c := strings.Split(line, "\t")
		for len(c) < 6 {
			c = append(c, "")
		}
		r := row{kind: c[0], path: c[1], expected: c[2], values: c[4], note: c[5]}
		if _, err := fmt.Sscan(c[3], &r.objects); err != nil {
			return nil, fmt.Errorf("targets.tsv: %q: objects %q", line, c[3])
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// target builds the render target of a row: a chart with the row's values
// file as its only variant, a kustomization (bases included, which lint
// reaches only through their overlays), or a folder's *.yaml and *.yml
// files (not recursive).
func target(r row, root string) (render.Target, error) {
	t := render.Target{Dir: r.path}
	switch r.kind {
	case "helm":
		t.Kind = render.Helm
		if r.values != "-" && r.values != "" {
			t.Variants = []string{r.values}
		}
	case "kustomize":
		t.Kind = render.Kustomize
	case "plain":
		t.Kind = render.Plain
		for _, pat := range []string{"*.yaml", "*.yml"} {
			m, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(r.path), pat))
			if err != nil {
				return t, err
			}
			for _, f := range m {
				t.Files = append(t.Files, path.Join(r.path, filepath.Base(f)))
			}
		}
		sort.Strings(t.Files)
	default:
		return t, fmt.Errorf("unknown kind %q", r.kind)
	}
	return t, nil
}

var renderers = map[render.Kind]render.Renderer{
	render.Plain:     render.PlainRenderer{},
	render.Kustomize: kustomize.Renderer{},
	render.Helm:      helm.Renderer{},
}

// run renders and lints one row.
func run(r row, opts render.Options) (res result) {
	res.row = r
	defer func() {
		if p := recover(); p != nil {
			res.status, res.panicked = "error", true
			res.err = fmt.Sprintf("PANIC: %v\n%s", p, debug.Stack())
		}
	}()
	t, err := target(r, opts.Root)
	if err != nil {
		res.status, res.err = "error", err.Error()
		return res
	}
	start := time.Now()
	vs, err := renderers[t.Kind].Render(context.Background(), t, opts)
	res.took = time.Since(start)
	want := ""
	if len(t.Variants) > 0 {
		want = t.Variants[0]
	}
	var errs []string
	if err != nil {
		errs = append(errs, err.Error())
	}
	for _, v := range vs {
		if v.Name != want {
			continue
		}
		res.objects = len(v.Objects)
		if v.Err != nil {
			errs = append(errs, v.Err.Error())
		}
	}
	res.status = "renders"
	if len(errs) > 0 {
		res.status, res.err = "error", strings.Join(errs, "; ")
	}
	if strings.Contains(res.err, "internal error") {
		res.panicked = true
	}
	// Lint the same target; keep the findings of this row's variant.
	lr := lint.Run(context.Background(), lint.Config{Targets: []render.Target{t}, Renderers: renderers, Render: opts, TargetTimeout: time.Minute})
	for _, f := range lr.Findings {
		if len(f.Variants) == 0 || contains(f.Variants, want) {
			res.findings = append(res.findings, f)
		}
	}
	for _, e := range lr.Errors {
		if strings.Contains(e.Error(), "internal error") {
			res.panicked, res.err = true, res.err+"; "+e.Error()
		}
	}
	return res
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// report prints the table and a summary, and returns the number of rows
// that do not match targets.tsv or panicked.
func report(w io.Writer, results []result, md bool) int {
	bad := 0
	if md {
		fmt.Fprintln(w, "| kind | target | values | status | objects (expected) | findings | top rules | ms | verdict |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	} else {
		fmt.Fprintln(w, "# kind\tpath\tvalues\tstatus\tobjects\texpected\tverdict\tfindings\tms\trules\terror")
	}
	var objects, expected, findings int
	var total time.Duration
	for _, r := range results {
		verdict := "ok"
		if r.status != r.expected || r.objects != r.row.objects {
			verdict = "MISMATCH"
		}
		if r.panicked {
			verdict = "PANIC"
		}
		if verdict != "ok" {
			bad++
		}
		objects += r.objects
		expected += r.row.objects
		findings += len(r.findings)
		total += r.took
		rules := topRules(r.findings, 3)
		errText := strings.Join(strings.Fields(r.err), " ")
		if len(errText) > 200 {
			errText = errText[:200] + "…"
		}
		if md {
			fmt.Fprintf(w, "| %s | `%s` | %s | %s | %d (%d) | %d | %s | %d | %s |\n", r.kind, r.path, r.values, r.status, r.objects, r.row.objects, len(r.findings), rules, r.took.Milliseconds(), verdict)
		} else {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\n", r.kind, r.path, r.values, r.status, r.objects, r.row.objects, verdict, len(r.findings), r.took.Milliseconds(), rules, errText)
		}
	}
	fmt.Fprintf(w, "\n# summary: %d targets, %d mismatches or panics; %d objects rendered (%d expected); %d findings; render time %s\n",
		len(results), bad, objects, expected, findings, total.Round(time.Millisecond))
	return bad
}

// topRules names the most frequent rules of findings.
func topRules(fs []lint.Finding, n int) string {
	count := map[string]int{}
	for _, f := range fs {
		count[f.Rule]++
	}
	var rules []string
	for r := range count {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		if count[rules[i]] != count[rules[j]] {
			return count[rules[i]] > count[rules[j]]
		}
		return rules[i] < rules[j]
	})
	var out []string
	for i, r := range rules {
		if i == n {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("%s×%d", r, count[r]))
	}
	return strings.Join(out, " ")
}

// writeFindings writes every finding as "target [values] rule file:line:
// message".
func writeFindings(file string, results []result) error {
	var b strings.Builder
	for _, r := range results {
		for _, f := range r.findings {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s:%d\t%s\n", r.path, r.values, f.Rule, f.Location.File, f.Location.Line, f.Text())
		}
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		return errors.New("findings: " + err.Error())
	}
	return nil
}
