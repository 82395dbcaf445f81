package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls Main and returns the exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// repo writes files into a new temporary repository (a folder with .git).
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const hostNetPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: tools
spec:
  hostNetwork: true
  containers:
    - name: shell
      image: busybox:1.36
`

const goodPod = `apiVersion: v1
kind: Pod
metadata:
  name: ok
  namespace: tools
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: ghcr.io/example/app:1.2.3
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
      resources:
        requests: {cpu: 10m, memory: 16Mi}
        limits: {memory: 32Mi}
      readinessProbe:
        httpGet: {path: /ready, port: 8080}
      livenessProbe:
        httpGet: {path: /live, port: 8080}
`

func TestExitCodes(t *testing.T) {
	clean := repo(t, map[string]string{"k8s/pod.yaml": goodPod})
	dirty := repo(t, map[string]string{"k8s/pod.yaml": hostNetPod})
	broken := repo(t, map[string]string{
		"k8s/pod.yaml":      hostNetPod,
		"other/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n",
	})
	empty := repo(t, map[string]string{"README.md": "hi\n", "compose.yaml": "services: {}\n"})
	tests := []struct {
		name string
		args []string
		code int
		out  string // substring of stdout
		err  string // substring of stderr
	}{
		{"clean", []string{"lint", clean}, 0, "no findings", ""},
		{"findings", []string{"lint", dirty}, 1, "k8s/pod.yaml:7:3: error: Pod tools/debug: ", ""},
		{"fail-on none", []string{"lint", "--fail-on", "none", dirty}, 0, "hostNetwork", ""},
		{"render error wins", []string{"lint", broken}, 3, "other/broken.yaml:4: invalid YAML", ""},
		{"render error keeps findings", []string{"lint", broken}, 3, "k8s/pod.yaml:7:3", ""},
		{"no targets", []string{"lint", empty}, 3, "no Helm chart, kustomization or Kubernetes manifest found", ""},
		{"bad flag", []string{"lint", "--nope", clean}, 2, "", "unknown flag: --nope"},
		{"bad format", []string{"lint", "--format", "xml", clean}, 2, "", `--format "xml"`},
		{"bad fail-on", []string{"lint", "--fail-on", "fatal", clean}, 2, "", "--fail-on"},
		{"bad kube version", []string{"lint", "--kube-version", "latest", clean}, 2, "", "--kube-version"},
		{"missing path", []string{"lint", filepath.Join(clean, "nope")}, 2, "", "no such file or folder"},
		{"two paths", []string{"lint", clean, dirty}, 2, "", "one PATH"},
		{"unknown command", []string{"frobnicate"}, 2, "", "unknown command"},
		{"no command", nil, 2, "", "Usage:"},
		{"explain unknown", []string{"explain", "nope"}, 2, "", "unknown rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errs, tt.err) {
				t.Errorf("prodlint %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, tt.code, out, errs)
			}
		})
	}
}

func TestKubeVersion(t *testing.T) {
	for in, want := range map[string]string{"1.34": "1.34.0", "v1.30.2": "1.30.2", "1.9": "1.9.0"} {
		if got, err := normalizeKubeVersion(in); err != nil || got != want {
			t.Errorf("normalizeKubeVersion(%q) = %q, %v", in, got, err)
		}
	}
	if v, ok := kubeFromAPIModule("v0.37.2"); !ok || v != "1.37" {
		t.Errorf("kubeFromAPIModule = %q %v", v, ok)
	}
	// The fallback must follow go.mod's k8s.io/api.
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "k8s.io/api" {
			if v, _ := kubeFromAPIModule(f[1]); v != fallbackKubeVersion {
				t.Errorf("fallbackKubeVersion = %s, go.mod has k8s.io/api %s (Kubernetes %s)", fallbackKubeVersion, f[1], v)
			}
		}
	}
}

func TestJSONAndGitHubFormats(t *testing.T) {
	dirty := repo(t, map[string]string{"k8s/pod.yaml": hostNetPod, "bad/x.yaml": "apiVersion: v1\nkind: Pod\nmetadata: [\n"})
	code, out, _ := run(t, "lint", "--format", "json", dirty)
	if code != 3 {
		t.Errorf("exit %d", code)
	}
	var doc struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Location struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
		Errors []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(doc.Findings) == 0 || doc.Findings[0].Location.File == "" || len(doc.Errors) != 1 || doc.Errors[0].File != "bad/x.yaml" || doc.Errors[0].Line != 3 {
		t.Errorf("json report: %+v", doc)
	}
	_, out, _ = run(t, "lint", "--format", "github", dirty)
	if !strings.Contains(out, "::error file=k8s/pod.yaml,line=7,col=3,") || !strings.Contains(out, "::error file=bad/x.yaml,line=3,title=prodlint render failed::") {
		t.Errorf("github output:\n%s", out)
	}
}

func TestOutputFile(t *testing.T) {
	dirty := repo(t, map[string]string{"k8s/pod.yaml": hostNetPod})
	out := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := run(t, "lint", "--format", "json", "--output", out, dirty)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "finding") {
		t.Errorf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !json.Valid(b) {
		t.Errorf("output file: %v", err)
	}
}
