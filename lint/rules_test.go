package lint

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// ruleFixtures is the folder holding one fixture folder per rule, named by
// the rule id.
const ruleFixtures = "../testdata/rules"

// Fixtures are plain manifests. An expected finding is written as a comment
// on the line where the finding must be located:
//
//	privileged: true # want "securityContext.privileged is true"
//
// Each quoted string (Go syntax, "..." or `...`) is a regexp that must match
// the message of one finding on that line; several may follow one "# want",
// or several "# want" one line. Every finding must match a want of its line
// and every want a finding, as in golang.org/x/tools/go/analysis/analysistest.

// wantMarker starts the expectations of a line.
var wantMarker = regexp.MustCompile(`#\s*want\b`)

// want is one expected finding.
type want struct {
	file    string
	line    int
	re      *regexp.Regexp
	matched bool
}

// pos is a file and line of a fixture.
type pos struct {
	file string
	line int
}

// parseWants reads the expectations of a fixture file.
func parseWants(file string, src []byte) ([]*want, error) {
	var ws []*want
	for i, line := range strings.Split(string(src), "\n") {
		loc := wantMarker.FindStringIndex(line)
		if loc == nil {
			continue
		}
		rest := line[loc[1]:]
		n := 0
		for {
			rest = strings.TrimSpace(rest)
			if m := wantMarker.FindStringIndex(rest); m != nil && m[0] == 0 {
				rest = rest[m[1]:]
				continue
			}
			if rest == "" {
				break
			}
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: want: expected a quoted regexp at %q", file, i+1, rest)
			}
			s, _ := strconv.Unquote(q)
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: want: %v", file, i+1, err)
			}
			ws = append(ws, &want{file: file, line: i + 1, re: re})
			rest = rest[len(q):]
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s:%d: want without a regexp", file, i+1)
		}
	}
	return ws, nil
}

// fixtureResult is the outcome of running a rule on its fixture.
type fixtureResult struct {
	// errs are the mismatches, as messages ready for t.Error.
	errs []string
	// wants counts the expected findings, lookalikes the objects without
	// findings whose kind is also the kind of an object with findings.
	wants, lookalikes int
}

// checkFixture runs rule r on every object of files (fixture file name to
// content), all objects being the pass's Objects, and compares the findings
// with the wants of the files.
func checkFixture(r *Rule, files map[string][]byte) fixtureResult {
	var res fixtureResult
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var objs []*render.Object
	wants := map[pos][]*want{}
	for _, name := range names {
		parsed, err := render.ParseManifest(name, files[name])
		if err != nil {
			res.errs = append(res.errs, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		objs = append(objs, parsed...)
		ws, err := parseWants(name, files[name])
		if err != nil {
			res.errs = append(res.errs, err.Error())
			continue
		}
		for _, w := range ws {
			wants[pos{w.file, w.line}] = append(wants[pos{w.file, w.line}], w)
		}
		res.wants += len(ws)
	}
	failingKinds, passing := map[string]bool{}, map[string]int{}
	for _, obj := range objs {
		problems := r.Run(Env{KubeVersion: "1.34.0"}, obj, objs)
		if len(problems) == 0 {
			passing[obj.Kind]++
		} else {
			failingKinds[obj.Kind] = true
		}
		for _, p := range problems {
			loc := obj.Locator.Locate(p.Path)
			where := fmt.Sprintf("%s:%d", loc.File, loc.Line)
			if err := messageStyle(p.Message); err != nil {
				res.errs = append(res.errs, fmt.Sprintf("%s: %s: message %q: %v", where, obj.Ref(), p.Message, err))
			}
			if name, ok := containerName(p.Path); ok && p.Container != name {
				res.errs = append(res.errs, fmt.Sprintf("%s: %s: problem at %s is reported for container %q", where, obj.Ref(), p.Path, p.Container))
			}
			if !matchWant(wants[pos{loc.File, loc.Line}], p.Message) {
				res.errs = append(res.errs, fmt.Sprintf("%s: %s: unexpected finding %q (path %s)", where, obj.Ref(), p.Message, p.Path))
			}
		}
	}
	var unmatched []*want
	for _, ws := range wants {
		for _, w := range ws {
			if !w.matched {
				unmatched = append(unmatched, w)
			}
		}
	}
	sort.Slice(unmatched, func(i, j int) bool {
		a, b := unmatched[i], unmatched[j]
		return a.file < b.file || a.file == b.file && a.line < b.line
	})
	for _, w := range unmatched {
		res.errs = append(res.errs, fmt.Sprintf("%s:%d: no finding matches %q", w.file, w.line, w.re))
	}
	for k := range failingKinds {
		res.lookalikes += passing[k]
	}
	return res
}

// matchWant marks as matched the first unmatched want of ws that matches
// msg, and reports whether there was one.
func matchWant(ws []*want, msg string) bool {
	for _, w := range ws {
		if !w.matched && w.re.MatchString(msg) {
			w.matched = true
			return true
		}
	}
	return false
}

// messageStyle checks the house style of messages: short, starting in lower
// case, without a trailing period, saying what is wrong and then, after a
// semicolon, what to do.
func messageStyle(msg string) error {
	r, _ := utf8.DecodeRuneInString(msg)
	switch {
	case msg == "" || strings.TrimSpace(msg) != msg || strings.Contains(msg, "\n"):
		return fmt.Errorf("must be one trimmed line")
	case unicode.IsUpper(r):
		return fmt.Errorf("must start in lower case")
	case strings.HasSuffix(msg, "."):
		return fmt.Errorf("must not end with a period")
	case !strings.Contains(msg, "; "):
		return fmt.Errorf(`must say what to do after "; "`)
	case len(msg) > 160:
		return fmt.Errorf("is longer than 160 bytes")
	}
	return nil
}

// containerName returns the name in the container selector of a path
// (containers[name=web]), if it has one.
func containerName(p render.Path) (string, bool) {
	for i, s := range p {
		if s.IsKey && (s.Key == "containers" || s.Key == "initContainers" || s.Key == "ephemeralContainers") &&
			i+1 < len(p) && p[i+1].Match == "name" {
			return p[i+1].Value, true
		}
	}
	return "", false
}

// readFixture reads the YAML files below dir, keyed by their slash path
// relative to dir.
func readFixture(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := path.Ext(p); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	return files, err
}

// TestRules runs every rule on its fixture folder and checks that every rule
// has one, with expected findings and passing look-alikes, and that every
// fixture folder belongs to a rule.
func TestRules(t *testing.T) {
	entries, err := os.ReadDir(ruleFixtures)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("%s: unexpected file in %s", e.Name(), ruleFixtures)
			continue
		}
		dirs[e.Name()] = true
		if _, ok := Lookup(e.Name()); !ok {
			t.Errorf("%s/%s: no rule with this id", ruleFixtures, e.Name())
		}
	}
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if !dirs[r.ID] {
				t.Fatalf("no fixture folder %s/%s", ruleFixtures, r.ID)
			}
			files, err := readFixture(filepath.Join(ruleFixtures, r.ID))
			if err != nil {
				t.Fatal(err)
			}
			res := checkFixture(r, files)
			for _, e := range res.errs {
				t.Error(e)
			}
			if res.wants == 0 {
				t.Error("fixture has no expected finding (# want)")
			}
			if res.lookalikes == 0 {
				t.Error("fixture has no passing look-alike (an object without findings of a kind that has findings)")
			}
		})
	}
}

// TestCheckFixtureFails makes sure the harness catches a rule that reports
// too much, too little, the wrong message or at the wrong line.
func TestCheckFixtureFails(t *testing.T) {
	const src = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true # want "hostNetwork is true"
  containers:
    - name: web
      image: web:1
`
	files := map[string][]byte{"pod.yaml": []byte(src)}
	at := func(path, msg string) *Rule {
		return &Rule{ID: "test", Check: func(p *Pass) {
			if path != "" {
				p.Report(render.MustPath(path), "%s", msg)
			}
		}}
	}
	tests := []struct {
		name string
		rule *Rule
		errs []string
	}{
		{"ok", at("spec.hostNetwork", "hostNetwork is true; remove it"), nil},
		{"missing", at("", ""), []string{`pod.yaml:6: no finding matches "hostNetwork is true"`}},
		{"wrong line", at("metadata.name", "hostNetwork is true; remove it"), []string{
			`pod.yaml:4: Pod p: unexpected finding "hostNetwork is true; remove it" (path metadata.name)`,
			`pod.yaml:6: no finding matches "hostNetwork is true"`,
		}},
		{"wrong message", at("spec.hostNetwork", "hostPID is true; remove it"), []string{
			`pod.yaml:6: Pod p: unexpected finding "hostPID is true; remove it" (path spec.hostNetwork)`,
			`pod.yaml:6: no finding matches "hostNetwork is true"`,
		}},
		{"style", at("spec.hostNetwork", "HostNetwork is true."), []string{
			`pod.yaml:6: Pod p: message "HostNetwork is true.": must start in lower case`,
			`pod.yaml:6: Pod p: unexpected finding "HostNetwork is true." (path spec.hostNetwork)`,
			`pod.yaml:6: no finding matches "hostNetwork is true"`,
		}},
		{"no container", at("spec.containers[name=web].image", "image is bad; fix it"), []string{
			`pod.yaml:9: Pod p: problem at spec.containers[name=web].image is reported for container ""`,
			`pod.yaml:9: Pod p: unexpected finding "image is bad; fix it" (path spec.containers[name=web].image)`,
			`pod.yaml:6: no finding matches "hostNetwork is true"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkFixture(tt.rule, files).errs
			if strings.Join(got, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
		})
	}
}

func TestParseWants(t *testing.T) {
	src := "a: 1 # want \"x\" `y`\nb: 2\nc: 3 # want \"p\" # want \"q\"\n"
	ws, err := parseWants("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, fmt.Sprintf("%d:%s", w.line, w.re))
	}
	if g, w := strings.Join(got, " "), "1:x 1:y 3:p 3:q"; g != w {
		t.Errorf("wants = %s, want %s", g, w)
	}
	for _, bad := range []string{"a: 1 # want\n", "a: 1 # want x\n", "a: 1 # want \"(\"\n"} {
		if _, err := parseWants("f.yaml", []byte(bad)); err == nil {
			t.Errorf("parseWants(%q): no error", bad)
		}
	}
}

func TestSplitImage(t *testing.T) {
	tests := []struct{ image, repo, tag, digest string }{
		{"nginx", "nginx", "", ""},
		{"nginx:1.27", "nginx", "1.27", ""},
		{"localhost:5000/app", "localhost:5000/app", "", ""},
		{"registry:5000/app:1.2", "registry:5000/app", "1.2", ""},
		{"nginx@sha256:abc", "nginx", "", "sha256:abc"},
		{"nginx:latest@sha256:abc", "nginx", "latest", "sha256:abc"},
		{"app:", "app", "", ""},
	}
	for _, tt := range tests {
		repo, tag, dig, _ := splitImage(tt.image)
		if repo != tt.repo || tag != tt.tag || dig != tt.digest {
			t.Errorf("splitImage(%q) = %q, %q, %q; want %q, %q, %q", tt.image, repo, tag, dig, tt.repo, tt.tag, tt.digest)
		}
	}
}

func TestCapName(t *testing.T) {
	for in, want := range map[string]string{
		"SYS_ADMIN": "SYS_ADMIN", "cap_sys_admin": "SYS_ADMIN", " Net_Raw ": "NET_RAW",
		"all": "ALL", "CAP_ALL": "CAP_ALL",
	} {
		if got := capName(corev1.Capability(in)); got != want {
			t.Errorf("capName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRuntimeSocket(t *testing.T) {
	for in, want := range map[string][2]bool{
		"/var/run/docker.sock":                {false, true},
		"/run/containerd/containerd.sock/":    {false, true},
		"/var/run/containerd":                 {true, true},
		"/run/k3s/containerd":                 {true, true},
		"/var/run":                            {false, false},
		"/var/lib/docker":                     {false, false},
		"/var/lib/kubelet/plugins/x/csi.sock": {false, false},
	} {
		dir, ok := runtimeSocket(in)
		if [2]bool{dir, ok} != want {
			t.Errorf("runtimeSocket(%q) = %v, %v; want %v", in, dir, ok, want)
		}
	}
}
