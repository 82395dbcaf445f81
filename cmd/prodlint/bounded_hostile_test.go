package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// Bounded work: every hostile input ends with a correct result or a clear
// error within 2 seconds and under 1 GB of memory, measured on the real
// binary (wall clock, CPU time and the peak resident set from the kernel),
// and the healthy target next to it is still linted.

const (
	// wallBar and rssBar are the bars: 2 seconds, 1 GB.
	wallBar = 2 * time.Second
	rssBar  = 1 << 30
	// loadedWall is the wall time still accepted when the process got
	// less than a core (go test runs packages in parallel on CI's 2
	// cores): its CPU time must then stay under wallBar.
	loadedWall = 5 * time.Second
)

// boundedCase is one hostile target of a bounded run.
type boundedCase struct {
	dir string
	// make writes a generated case into the repository; nil for a
	// committed case of testdata/hostile.
	make func(t *testing.T, dir string)
	// want are substrings of the case's errors; none means it renders.
	want []string
	// objects is the number of objects the case renders, when it renders
	// (0: any).
	objects int
	// bug, when set, skips the case: a known problem that needs more
	// than a small fix, described in docs/security.md.
	bug string
}

// writeFile writes a file of a generated case.
func writeCaseFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// appendFile appends text to the file p.
func appendFile(t *testing.T, p, text string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// manyDocs returns n ConfigMap documents.
func manyDocs(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%d\n  namespace: tools\ndata:\n  key: value-%d\n", i, i)
	}
	return b.Bytes()
}

// writeRepeated writes head, then part as often as the file stays within size bytes,
// without holding the file in memory (the test process's memory would
// count in the measure of the next run).
func writeRepeated(t *testing.T, p string, head, part []byte, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := bytes.Repeat(part, (1<<20)/len(part)+1)
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	for n := len(head); n+len(part) <= size; {
		chunk := buf[:min(len(buf), (size-n)/len(part)*len(part))]
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		n += len(chunk)
	}
}

// blockNesting returns a manifest whose data nests n mappings deep in
// block style, one space of indentation per level.
func blockNesting(n int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nested\n  namespace: tools\ndata:\n")
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	b.WriteString(strings.Repeat(" ", n+1) + "x\n")
	return b.Bytes()
}

var boundedCases = []boundedCase{
	// Committed cases (testdata/hostile/bounded).
	{dir: "bounded/alias-bomb-plain", want: []string{"bounded/alias-bomb-plain/bomb.yaml", "excessive aliasing"}},
	{dir: "bounded/alias-bomb-kustomize", want: []string{"bounded/alias-bomb-kustomize/bomb.yaml", "alias bomb"}},
	{dir: "bounded/alias-bomb-kustomize-patch", want: []string{"bounded/alias-bomb-kustomize-patch/kustomization.yaml:5", "alias bomb"}},
	{dir: "bounded/alias-bomb-helm", want: []string{"bounded/alias-bomb-helm/values.yaml", "excessive aliasing"}},
	{dir: "bounded/alias-bomb-template", want: []string{"bounded/alias-bomb-template/templates/bomb.yaml", "excessive aliasing"}},
	{dir: "bounded/deep-nesting", objects: 1},
	{dir: "bounded/deep-nesting-over", want: []string{"bounded/deep-nesting-over/deep.yaml", "exceeded max depth of 10000"}},
	{dir: "bounded/invalid-utf8", want: []string{"bounded/invalid-utf8/bad.yaml", "invalid YAML"}},
	{dir: "bounded/invalid-utf8-kustomize", want: []string{"bounded/invalid-utf8-kustomize/bad.yaml", "invalid YAML"}},
	{dir: "bounded/binary"}, // not Kubernetes YAML: ignored, no target
	{dir: "bounded/bom-crlf", objects: 1},
	{dir: "bounded/bom-crlf-kustomize", objects: 1},
	{dir: "bounded/bom-crlf-helm", objects: 1},
	{dir: "bounded/include-loop", want: []string{"bounded/include-loop/templates/cm.yaml:7:8", `include loop: template "loop"`}},
	{dir: "bounded/huge-range", want: []string{"bounded/huge-range/templates/cm.yaml:7:10", "until would make a list of 10000000 numbers"}},
	{dir: "bounded/huge-string", want: []string{"bounded/huge-string/templates/cm.yaml:7:8", "repeat would make a string of 2000000000 bytes"}},

	// Generated cases: too big to commit.
	{dir: "generated/plain-100mb", want: []string{"generated/plain-100mb/big.yaml", "bytes"}, make: func(t *testing.T, dir string) {
		writeRepeated(t, filepath.Join(dir, "big.yaml"), nil, manyDocs(1), 100<<20)
	}},
	{dir: "generated/kustomize-100mb", want: []string{"generated/kustomize-100mb/big.yaml", "prodlint reads YAML files of at most"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "kustomization.yaml"), []byte("resources: [big.yaml]\n"))
		writeRepeated(t, filepath.Join(dir, "big.yaml"), nil, manyDocs(1), 100<<20)
	}},
	{dir: "generated/helm-100mb-values", want: []string{"generated/helm-100mb-values"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: big\nversion: 0.1.0\n"))
		writeCaseFile(t, filepath.Join(dir, "templates", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: tools\n"))
		writeRepeated(t, filepath.Join(dir, "values.yaml"), []byte("k:\n"), []byte("- v\n"), 100<<20)
	}},
	{dir: "generated/helm-50mb-values", want: []string{"generated/helm-50mb-values/values.yaml", "at most"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: big\nversion: 0.1.0\n"))
		writeCaseFile(t, filepath.Join(dir, "templates", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: tools\n"))
		writeRepeated(t, filepath.Join(dir, "values.yaml"), []byte("k:\n"), []byte("- [a, b]\n"), 50<<20)
	}},
	// Dense YAML: a flow sequence of one-character values, under the byte
	// limits, would still take seconds and a gigabyte to parse.
	{dir: "generated/plain-dense", want: []string{"generated/plain-dense/dense.yaml"}, make: func(t *testing.T, dir string) {
		writeRepeated(t, filepath.Join(dir, "dense.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dense\n  namespace: tools\ndata:\n  x: ["), []byte("1,"), 8<<20-4096)
		appendFile(t, filepath.Join(dir, "dense.yaml"), "1]\n")
	}},
	{dir: "generated/kustomize-dense", want: []string{"generated/kustomize-dense/dense.yaml", "commas, brackets, braces and lines"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "kustomization.yaml"), []byte("resources: [dense.yaml]\n"))
		writeRepeated(t, filepath.Join(dir, "dense.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dense\n  namespace: tools\ndata:\n  x: ["), []byte("1,"), 8<<20-4096)
		appendFile(t, filepath.Join(dir, "dense.yaml"), "1]\n")
	}},
	{dir: "generated/helm-dense-template", want: []string{"generated/helm-dense-template/templates/cm.yaml", "commas, brackets, braces and lines"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: dense\nversion: 0.1.0\n"))
		writeCaseFile(t, filepath.Join(dir, "templates", "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dense\n  namespace: tools\ndata:\n  x: [{{ repeat 2000000 \"1,\" }}1]\n"))
	}},
	{dir: "generated/plain-10000-docs", objects: 10000, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "many.yaml"), manyDocs(10000))
	}},
	{dir: "generated/kustomize-10000-docs", objects: 10000, bug: "kustomize's resource map is quadratic in resources (resWrangler.Append checks every id against all): 10,000 documents take minutes of CPU in kustomize itself; prodlint bounds them only by --target-timeout (docs/security.md)", make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "kustomization.yaml"), []byte("namespace: tools\nresources: [many.yaml]\n"))
		writeCaseFile(t, filepath.Join(dir, "many.yaml"), manyDocs(10000))
	}},
	{dir: "generated/helm-10000-docs", objects: 10000, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: many\nversion: 0.1.0\n"))
		writeCaseFile(t, filepath.Join(dir, "templates", "cm.yaml"), []byte("{{- range until 10000 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ . }}\n  namespace: tools\ndata:\n  key: value\n{{- end }}\n"))
	}},
	{dir: "generated/plain-nesting-10000", want: []string{"generated/plain-nesting-10000/deep.yaml"}, make: func(t *testing.T, dir string) {
		writeCaseFile(t, filepath.Join(dir, "deep.yaml"), blockNesting(10000)) // 50 MB of indentation
		runtime.GC()
		debug.FreeOSMemory()
	}},
}

// TestBoundedWork runs the binary once per case, in a repository holding
// the case and the healthy target, and checks the result, the time, the
// memory and the healthy target's findings.
func TestBoundedWork(t *testing.T) {
	linuxOnly(t)
	var table []string
	for _, c := range boundedCases {
		t.Run(c.dir, func(t *testing.T) {
			if c.bug != "" {
				t.Skip("bug: " + c.bug)
			}
			repo := hostileRepo(t, "healthy")
			if c.make != nil {
				c.make(t, filepath.Join(repo, filepath.FromSlash(c.dir)))
			} else {
				src, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "hostile", filepath.FromSlash(c.dir)))
				copyTreeLinks(t, src, filepath.Join(repo, filepath.FromSlash(c.dir)))
			}
			r := runBinary(t, repo, nil, nil, "lint", "--format", "json", "--target-timeout", "20s", ".")
			rep := parseReport(t, r.stdout)
			errs := rep.errorsOf(c.dir)
			table = append(table, fmt.Sprintf("%-40s exit %d  wall %6s  cpu %6s  rss %4d MB  %.120s", c.dir, r.code, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.maxRSS>>20, errs))
			switch {
			case len(c.want) == 0 && errs != "":
				t.Errorf("errors %q, want a render", errs)
			case len(c.want) > 0 && r.code != exitRender:
				t.Errorf("exit %d, want 3", r.code)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("errors %q, want one containing %q", errs, w)
				}
			}
			if len(errs) > 3000 {
				t.Errorf("error message of %d bytes; it must be readable", len(errs))
			}
			if c.objects > 0 && rep.Summary.Objects != c.objects+1 { // +1: the healthy pod
				t.Errorf("%d objects, want %d and the healthy pod", rep.Summary.Objects, c.objects)
			}
			if rules := rep.rulesOf("healthy"); !slices.Contains(rules, "host-network") {
				t.Errorf("the healthy target next to it lost its findings: %v", rules)
			}
			if r.maxRSS > rssBar {
				t.Errorf("peak memory %d MB, want under %d MB", r.maxRSS>>20, rssBar>>20)
			}
			if r.wall > wallBar && (r.cpu > wallBar || r.wall > loadedWall) {
				t.Errorf("took %s (CPU %s), want under %s", r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), wallBar)
			}
		})
	}
	t.Logf("bounded work:\n%s", strings.Join(table, "\n"))
}

// TestBOMAndCRLFLines checks that a byte order mark and CRLF line endings
// do not move findings: host-pid is on line 8 of the plain and kustomize
// pods (after a comment line) and on line 7 of the Helm template.
func TestBOMAndCRLFLines(t *testing.T) {
	repo := hostileRepo(t, "bounded/bom-crlf", "bounded/bom-crlf-kustomize", "bounded/bom-crlf-helm")
	_, stdout, _ := run(t, "lint", "--format", "json", repo)
	rep := parseReport(t, stdout)
	want := map[string]int{
		"bounded/bom-crlf/pod.yaml":                8,
		"bounded/bom-crlf-kustomize/pod.yaml":      8,
		"bounded/bom-crlf-helm/templates/pod.yaml": 7,
	}
	got := map[string]int{}
	for _, f := range rep.Findings {
		if f.Rule == "host-pid" {
			got[f.Location.File] = f.Location.Line
		}
	}
	for file, line := range want {
		if got[file] != line {
			t.Errorf("%s: host-pid on line %d, want %d (all: %v)", file, got[file], line, got)
		}
	}
}
