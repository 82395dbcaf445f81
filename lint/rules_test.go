package lint

import (
	"testing/fstest"

	"fmt"
	"github.com/prodlint/prodlint/render/gitops"
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
	// The fixture folder is also a repository whose GitOps objects are
	// resolved (https://github.com/acme/fixtures is its URL), for the rules
	// that report what resolving them finds.
	repo := fstest.MapFS{}
	for name, b := range files {
		repo[name] = &fstest.MapFile{Data: b}
	}
	env := Env{KubeVersion: "1.34.0"}
	if plan, err := gitops.Resolve(repo, nil, gitops.Options{RepoURLs: []string{fixtureRepoURL}}); err == nil {
		env.GitOps.Problems = PlanProblems(plan)
		env.GitOps.Generated = PlanGenerated(plan)
	} else {
		res.errs = append(res.errs, err.Error())
	}
	failingKinds, passing := map[string]bool{}, map[string]int{}
	for _, obj := range objs {
		problems := r.Run(env, obj, objs)
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

// fixtureRepoURL is the URL of the repository a fixture folder stands for.
const fixtureRepoURL = "https://github.com/acme/fixtures.git"

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
		if r.Meta {
			continue // reported by the pipeline; see suppress_test.go
		}
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

// runRule runs rule id on every object of a manifest, linted for Kubernetes
// version kube, and returns the messages.
func runRule(t *testing.T, id, kube, src string) []string {
	t.Helper()
	r, ok := Lookup(id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	objs, err := render.ParseManifest("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, o := range objs {
		for _, p := range r.Run(Env{KubeVersion: kube}, o, objs) {
			msgs = append(msgs, p.Message)
		}
	}
	return msgs
}

func TestParseKubeVersion(t *testing.T) {
	for in, want := range map[string][2]int{
		"1.34.0": {1, 34}, "v1.29": {1, 29}, "1.31.2-gke.1000": {1, 31}, "1.30+": {1, 30},
	} {
		major, minor, ok := parseKubeVersion(in)
		if !ok || [2]int{major, minor} != want {
			t.Errorf("parseKubeVersion(%q) = %d, %d, %v; want %v", in, major, minor, ok, want)
		}
	}
	for _, bad := range []string{"", "1", "latest", "x.y"} {
		if _, _, ok := parseKubeVersion(bad); ok {
			t.Errorf("parseKubeVersion(%q) is ok", bad)
		}
	}
	if got := kubeMinor(Env{}); got != defaultKubeMinor {
		t.Errorf("kubeMinor of an empty env = %d, want %d", got, defaultKubeMinor)
	}
}

// TestAPIChangesTable checks the invariants of the deprecation table.
func TestAPIChangesTable(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, c := range apiChanges {
		k := [2]string{c.apiVersion, c.kind}
		switch {
		case seen[k]:
			t.Errorf("%s %s is listed twice", c.apiVersion, c.kind)
		case c.deprecated == 0 || (c.removed != 0 && c.removed < c.deprecated):
			t.Errorf("%s %s: deprecated in 1.%d, removed in 1.%d", c.apiVersion, c.kind, c.deprecated, c.removed)
		case len(c.replacements) == 0:
			t.Errorf("%s %s: no replacement", c.apiVersion, c.kind)
		case c.kind == "" || unicode.IsLower([]rune(c.kind)[0]):
			t.Errorf("%s: kind %q is not a kind", c.apiVersion, c.kind)
		}
		seen[k] = true
		for i := 1; i < len(c.replacements); i++ {
			if c.replacements[i].since < c.replacements[i-1].since {
				t.Errorf("%s %s: replacements are not oldest first", c.apiVersion, c.kind)
			}
		}
	}
}

// TestAPIVersionRules runs removed-api-version and deprecated-api-version
// for several Kubernetes versions.
func TestAPIVersionRules(t *testing.T) {
	const (
		ingressExt  = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n"
		ingressBeta = "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n"
		hpaBeta2    = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: a\n"
		flowBeta1   = "apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: a\n"
		cronBeta    = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\n"
		endpoints   = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: a\n"
		vapBeta     = "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: a\n"
		deployment  = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n"
	)
	tests := []struct {
		kube, src           string
		removed, deprecated string // expected message, "" for none
	}{
		{"1.13.0", ingressExt, "", ""},
		{"1.16.0", ingressExt, "", "extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14 and removed in 1.22; use networking.k8s.io/v1beta1"},
		{"1.19.0", ingressExt, "", "extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14 and removed in 1.22; use networking.k8s.io/v1"},
		{"1.22.0", ingressExt, "extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1", ""},
		{"1.18.0", ingressBeta, "", ""},
		{"1.21.3", ingressBeta, "", "networking.k8s.io/v1beta1 Ingress is deprecated since Kubernetes 1.19 and removed in 1.22; use networking.k8s.io/v1"},
		{"1.22.0", ingressBeta, "networking.k8s.io/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1", ""},
		{"1.22.0", hpaBeta2, "", ""},
		{"1.25.0", hpaBeta2, "", "autoscaling/v2beta2 HorizontalPodAutoscaler is deprecated since Kubernetes 1.23 and removed in 1.26; use autoscaling/v2"},
		{"v1.26", hpaBeta2, "autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2", ""},
		{"1.24.0", flowBeta1, "", "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema is deprecated since Kubernetes 1.23 and removed in 1.26; use flowcontrol.apiserver.k8s.io/v1beta2"},
		{"1.27.0", flowBeta1, "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26; use flowcontrol.apiserver.k8s.io/v1beta3", ""},
		{"1.30.0", flowBeta1, "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26; use flowcontrol.apiserver.k8s.io/v1", ""},
		{"1.20.0", cronBeta, "", ""},
		{"1.21.0", cronBeta, "", "batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and removed in 1.25; use batch/v1"},
		{"1.25.0", cronBeta, "batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1", ""},
		{"1.32.0", endpoints, "", ""},
		{"1.33.0", endpoints, "", "v1 Endpoints is deprecated since Kubernetes 1.33; use discovery.k8s.io/v1 EndpointSlice"},
		{"1.34.0", vapBeta, "", ""},
		{"1.34.0", deployment, "", ""},
		// An unknown version is linted as the default version (1.34).
		{"", cronBeta, "batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1", ""},
	}
	for _, tt := range tests {
		name := tt.kube + " " + strings.Fields(tt.src)[1] + " " + strings.Fields(tt.src)[3]
		t.Run(name, func(t *testing.T) {
			for id, want := range map[string]string{"removed-api-version": tt.removed, "deprecated-api-version": tt.deprecated} {
				got := strings.Join(runRule(t, id, tt.kube, tt.src), "\n")
				if got != want {
					t.Errorf("%s: got %q, want %q", id, got, want)
				}
			}
		})
	}
}

// TestUnsafeSysctlVersions checks that the safe set follows the version
// linted for.
func TestUnsafeSysctlVersions(t *testing.T) {
	const src = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_rmem
        value: "4096 87380 16777216"
      - name: net.ipv4.tcp_keepalive_time
        value: "600"
  containers:
    - name: app
      image: app:1.0
`
	for kube, want := range map[string]int{"1.28.0": 2, "1.31.0": 1, "1.32.0": 0, "1.34.0": 0} {
		if got := runRule(t, "unsafe-sysctl", kube, src); len(got) != want {
			t.Errorf("Kubernetes %s: %d findings %q, want %d", kube, len(got), got, want)
		}
	}
	if got := sysctlName("net/ipv4/conf/eth0.100/rp_filter"); got != "net.ipv4.conf.eth0/100.rp_filter" {
		t.Errorf("sysctlName = %q", got)
	}
}

// TestRBACPodExecGet checks that get on pods/exec counts before Kubernetes
// 1.31, when a WebSocket exec only needed get.
func TestRBACPodExecGet(t *testing.T) {
	const src = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [get]
`
	if got := runRule(t, "rbac-pod-exec", "1.30.0", src); len(got) != 1 {
		t.Errorf("1.30: findings %q, want 1", got)
	}
	if got := runRule(t, "rbac-pod-exec", "1.31.0", src); len(got) != 0 {
		t.Errorf("1.31: findings %q, want none", got)
	}
}

func TestSensitiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "dbPassword": true, "db.password": true, "APIKey": true, "api_key": true,
		"X_API_KEY": true, "CLIENT_SECRET": true, "GITHUB_TOKEN": true, "PRIVATE_KEY": true,
		"AWS_SECRET_ACCESS_KEY": true, "SMTP_PASS": true, "credentials": true, "API_KEYS": true,
		"DB_PASSWORD_FILE": false, "TOKEN_URL": false, "SECRET_NAME": false, "TOKEN_TTL": false,
		"PASSWORD_MIN_LENGTH": false, "AWS_ACCESS_KEY_ID": false, "PUBLIC_KEY": false, "PWD": false,
		"BYPASS_CACHE": false, "secret.yaml": false, "LOG_LEVEL": false, "KEYCLOAK_URL": false,
	} {
		if _, _, got := sensitiveName(name); got != want {
			t.Errorf("sensitiveName(%q) = %v, want %v (words %q)", name, got, want, nameWords(name))
		}
	}
}

func TestLiteralSecret(t *testing.T) {
	for _, tt := range []struct{ name, value, want string }{
		{"DB_PASSWORD", "1234", "name"},
		{"PASSWORD_MAX_AGE_DAYS", "90", ""},
		{"SECRET_GRACE_PERIOD_RATIO", "0.5", ""},
		{"TOKEN_REFRESH", "30s", ""},
		{"TOKEN_REFRESH", "abc", "name"},
		{"MYSQL_ALLOW_EMPTY_PASSWORD", "yes", ""},
		{"UPSTREAM", "https://user:pw@example.com", "url"},
		{"UPSTREAM", "https://user@example.com", ""},
		{"CA", "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----", ""},
		{"CA", "-----BEGIN EC PRIVATE KEY-----\nMII\n-----END EC PRIVATE KEY-----", "pem"},
	} {
		if got := literalSecret(tt.name, tt.value); got != tt.want {
			t.Errorf("literalSecret(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// TestRegisterWorkloadKind checks the registration of custom workload
// kinds and that workload rules then apply to them.
func TestRegisterWorkloadKind(t *testing.T) {
	const group, kind = "test.prodlint.dev", "Worker"
	for _, bad := range [][3]string{
		{"", kind, "spec.template"},
		{"apps/v1", kind, "spec.template"},
		{group, "", "spec.template"},
		{group, "worker", "spec.template"},
		{"apps", "Deployment", "spec.template"},
		{group, kind, ""},
		{group, kind, "spec.templates[0]"},
		{group, kind, "spec..template"},
		{"argoproj.io", "Rollout", "spec.podTemplate"},
	} {
		if err := RegisterWorkloadKind(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("RegisterWorkloadKind(%q, %q, %q): no error", bad[0], bad[1], bad[2])
		}
	}
	if err := RegisterWorkloadKind(group, kind, "spec.workload.template"); err != nil {
		t.Fatal(err)
	}
	if err := RegisterWorkloadKind(group, kind, "spec.workload.template"); err != nil {
		t.Errorf("registering the same kind again: %v", err)
	}
	if err := RegisterWorkloadKind(group, kind, "spec.template"); err == nil {
		t.Error("registering the kind with another path: no error")
	}
	if err := RegisterWorkloadKind("argoproj.io", "Rollout", "spec.template"); err != nil {
		t.Errorf("registering a known kind with its path: %v", err)
	}
	objs, err := render.ParseManifest("w.yaml", []byte(`apiVersion: test.prodlint.dev/v2
kind: Worker
metadata:
  name: w
spec:
  workload:
    template:
      metadata:
        labels:
          app: w
      spec:
        containers:
          - name: w
            image: w:1.0
            securityContext:
              privileged: true
---
apiVersion: other.prodlint.dev/v1
kind: Worker
metadata:
  name: other
spec:
  workload:
    template:
      spec:
        containers:
          - name: w
            image: w:1.0
`))
	if err != nil {
		t.Fatal(err)
	}
	pt := Pod(objs[0])
	if pt == nil {
		t.Fatal("Pod of a registered kind is nil")
	}
	if pt.Like != "" || pt.Batch || pt.Path.String() != "spec.workload.template.spec" || pt.Labels()["app"] != "w" {
		t.Errorf("Pod = %+v", pt)
	}
	if Pod(objs[1]) != nil {
		t.Error("a kind of another group is a workload")
	}
	r, _ := Lookup("privileged-container")
	if ps := r.Run(Env{}, objs[0], objs); len(ps) != 1 {
		t.Errorf("privileged-container on a registered kind: %v", ps)
	}
}

// TestRenderIndexCache checks that a render's index is rebuilt when the
// objects change.
func TestRenderIndexCache(t *testing.T) {
	a := objects(t, "a.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: a:1\n")
	b := objects(t, "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
	if n := len(indexOf(a).pods); n != 1 {
		t.Errorf("pods of a = %d, want 1", n)
	}
	if n := len(indexOf(b).pods); n != 0 {
		t.Errorf("pods of b = %d, want 0", n)
	}
	if indexOf(a) != indexOf(a) {
		t.Error("the index of a is not cached")
	}
}

// TestDefaultNamespaceReleaseNamespace checks that a Helm object whose
// namespace came from the release is not reported.
func TestDefaultNamespaceReleaseNamespace(t *testing.T) {
	objs := objects(t, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n")
	r, _ := Lookup("default-namespace")
	if ps := r.Run(Env{}, objs[0], objs); len(ps) != 1 {
		t.Fatalf("hard-coded default: %v, want one finding", ps)
	}
	objs[0].InReleaseNamespace = true
	if ps := r.Run(Env{}, objs[0], objs); len(ps) != 0 {
		t.Errorf("release namespace: %v, want none", ps)
	}
}
