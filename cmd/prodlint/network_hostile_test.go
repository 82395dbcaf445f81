package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/helm"
)

// No network, ever: the hostile network cases of testdata/hostile/network
// (remote kustomize resources, bases, components, patches and openapi,
// kustomize helmCharts, Helm dependencies with a repository URL that are not
// vendored, Helm lookup and getHostByName, remote and file $refs in
// values.schema.json, remote $refs in a CRD schema) render with every way
// out of the process watched, and the real binary gives the same output
// with no network at all.

// networkCases maps each target of testdata/hostile/network to what its
// error says; "" means it renders (lookup, DNS and the CRD give Helm's empty
// results or are not fetched).
var networkCases = map[string]string{
	"network/kustomize-https":        `resources entry "https://raw.githubusercontent.com/example/deploy/main/deployment.yaml" is remote: prodlint renders offline`,
	"network/kustomize-github":       `resources entry "github.com/example/deploy//base?ref=v1.2.3" is remote`,
	"network/kustomize-git":          `resources entry "git::https://github.com/example/deploy.git//base?ref=main" is remote`,
	"network/kustomize-ssh":          `bases entry "git@github.com:example/deploy.git/base" is remote`,
	"network/kustomize-component":    `components entry "https://github.com/example/components//monitoring?ref=v1" is remote`,
	"network/kustomize-patch":        `patches entry "https://example.com/patches/replicas.yaml" is remote`,
	"network/kustomize-openapi":      `openapi path entry "https://example.com/openapi/schema.json" is remote`,
	"network/kustomize-helmcharts":   `network/kustomize-helmcharts/kustomization.yaml:1: helmCharts needs the helm binary and network`,
	"network/helm-remote-dependency": `network/helm-remote-dependency/Chart.yaml: missing dependency "redis" (not in charts/): run "helm dependency build`,
	"network/helm-oci-dependency":    `network/helm-oci-dependency/Chart.yaml: missing dependency "postgres" (not in charts/)`,
	"network/helm-schema-remote-ref": `network/helm-schema-remote-ref/values.schema.json: cannot compile the schema: remote $ref https://schemas.example.com/replicas.json refused`,
	"network/helm-schema-file-ref":   `network/helm-schema-file-ref/values.schema.json: cannot compile the schema: etc/passwd is not a file of chart`,
	"network/helm-lookup":            "",
	"network/helm-dns":               "",
	"network/crd-remote-ref":         "",
}

// netWatch records every attempt to leave the process: HTTP requests
// through http.DefaultTransport, name lookups through net.DefaultResolver,
// and runs of git, helm, kustomize, curl, wget and ssh found on PATH.
type netWatch struct {
	mu       sync.Mutex
	attempts []string
	marker   string // file the fake commands append to
}

func (w *netWatch) record(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.attempts = append(w.attempts, s)
}

// all returns the attempts so far, fake command runs included.
func (w *netWatch) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.attempts)
	if b, err := os.ReadFile(w.marker); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			out = append(out, "exec "+l)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// watchNetwork installs the watch for the rest of the test.
func watchNetwork(t *testing.T) *netWatch {
	t.Helper()
	w := &netWatch{marker: filepath.Join(t.TempDir(), "exec.log")}
	oldTransport, oldResolver := http.DefaultTransport, net.DefaultResolver
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		w.record("http " + r.Method + " " + r.URL.String())
		return nil, errors.New("test: the network is watched")
	})
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(_ context.Context, network, address string) (net.Conn, error) {
		w.record("dial " + network + " " + address)
		return nil, errors.New("test: the network is watched")
	}}
	t.Cleanup(func() { http.DefaultTransport, net.DefaultResolver = oldTransport, oldResolver })
	bin := t.TempDir()
	for _, name := range []string{"git", "helm", "kustomize", "curl", "wget", "ssh"} {
		script := fmt.Sprintf("#!/bin/sh\necho \"%s $*\" >> '%s'\nexit 1\n", name, w.marker)
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return w
}

// jsonReport is the part of the JSON report these tests read.
type jsonReport struct {
	Summary struct {
		Objects int `json:"objects"`
	} `json:"summary"`
	Targets []struct {
		Kind string `json:"kind"`
		Dir  string `json:"dir"`
	} `json:"targets"`
	Findings []struct {
		Rule     string `json:"rule"`
		Target   string `json:"target"`
		Message  string `json:"message"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"findings"`
	Errors []struct {
		Target  string `json:"target"`
		Message string `json:"message"`
	} `json:"errors"`
}

func parseReport(t *testing.T, stdout string) *jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("JSON report: %v\n%.2000s", err, stdout)
	}
	return &r
}

// errorsOf returns the error messages of a target.
func (r *jsonReport) errorsOf(dir string) string {
	var msgs []string
	for _, e := range r.Errors {
		if e.Target == dir {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, "\n")
}

// hasTarget reports whether dir is one of the linted targets.
func (r *jsonReport) hasTarget(dir string) bool {
	for _, x := range r.Targets {
		if x.Dir == dir {
			return true
		}
	}
	return false
}

// rulesOf returns the rules of a target's findings.
func (r *jsonReport) rulesOf(dir string) []string {
	var rules []string
	for _, f := range r.Findings {
		if f.Target == dir && !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	return rules
}

// TestNoNetworkInProcess lints every network case in-process, one target
// at a time, and then every case of testdata/hostile (network, outside,
// bounded) together next to the healthy target, with the network watched: nothing may dial, resolve, request or run a fetching
// command; each case ends at once with its own clear error (or Helm's empty
// result); the healthy target keeps its findings.
func TestNoNetworkInProcess(t *testing.T) {
	w := watchNetwork(t)
	repo := hostileRepo(t) // all of testdata/hostile: the last run lints every case
	ents, err := os.ReadDir(filepath.Join(repo, "network"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, ok := networkCases["network/"+e.Name()]; !ok {
			t.Errorf("network/%s has no expectation in networkCases", e.Name())
		}
	}
	for dir, want := range networkCases {
		t.Run(dir, func(t *testing.T) {
			start := time.Now()
			code, stdout, stderr := run(t, "lint", "--format", "json", filepath.Join(repo, filepath.FromSlash(dir)))
			took := time.Since(start)
			r := parseReport(t, stdout)
			got := r.errorsOf(dir)
			switch {
			case want == "" && (code == exitRender || got != ""):
				t.Errorf("exit %d, errors %q; want a render", code, got)
			case want != "" && (code != exitRender || !strings.Contains(got, want)):
				t.Errorf("exit %d, errors %q\nwant exit 3 and an error containing %q (stderr %q)", code, got, want, stderr)
			}
			if took > time.Second {
				t.Errorf("took %s; an offline refusal must be immediate", took)
			}
		})
	}
	code, stdout, _ := run(t, "lint", "--format", "json", repo)
	r := parseReport(t, stdout)
	if code != exitRender || !slices.Contains(r.rulesOf("healthy"), "host-network") {
		t.Errorf("whole run: exit %d, healthy findings %v; want exit 3 and host-network", code, r.rulesOf("healthy"))
	}
	if a := w.all(); len(a) > 0 {
		t.Errorf("the network was used:\n%s", strings.Join(a, "\n"))
	}
}

// TestNoNetworkHelmResults checks what Helm's cluster and DNS functions
// give in prodlint (an empty map and an empty string, as with helm
// template), and that a CRD with remote $refs is read, not fetched, with the
// network watched.
func TestNoNetworkHelmResults(t *testing.T) {
	w := watchNetwork(t)
	repo := hostileRepo(t, "network")
	opts := render.Options{Root: repo, KubeVersion: "1.34.0"}
	data := func(dir string) map[string]any {
		t.Helper()
		vs, err := helm.Renderer{}.Render(context.Background(), render.Target{Kind: render.Helm, Dir: dir}, opts)
		if err != nil || len(vs) != 1 || vs[0].Err != nil || len(vs[0].Objects) != 1 {
			t.Fatalf("%s: %v %v", dir, err, vs)
		}
		d, _ := vs[0].Objects[0].Raw["data"].(map[string]any)
		return d
	}
	if d := data("network/helm-lookup"); d["found"] != "no" || d["nodes"] != "0" {
		t.Errorf("lookup: data %v, want found: no, nodes: 0", d)
	}
	if d := data("network/helm-dns"); d["address"] != "" {
		t.Errorf("getHostByName: data %v, want address: \"\"", d)
	}
	vs, err := render.PlainRenderer{}.Render(context.Background(), render.Target{Kind: render.Plain, Dir: "network/crd-remote-ref", Files: []string{"network/crd-remote-ref/crd.yaml"}}, opts)
	if err != nil || vs[0].Err != nil || len(vs[0].Objects) != 2 {
		t.Errorf("crd-remote-ref: %v %+v", err, vs)
	}
	if a := w.all(); len(a) > 0 {
		t.Errorf("the network was used:\n%s", strings.Join(a, "\n"))
	}
}

// netns returns the command prefix that runs a command in a new network
// namespace (no interface but a down loopback), or "" with the reason it
// cannot.
func netns() ([]string, string) {
	path, err := exec.LookPath("unshare")
	if err != nil {
		return nil, "unshare is not installed (util-linux)"
	}
	var why []string
	for _, p := range [][]string{{path, "--net"}, {path, "--map-root-user", "--net"}} {
		out, err := exec.Command(p[0], append(p[1:], "true")...).CombinedOutput()
		if err == nil {
			return p, ""
		}
		why = append(why, fmt.Sprintf("%s: %v %s", strings.Join(p, " "), err, strings.TrimSpace(string(out))))
	}
	return nil, "cannot create a network namespace: " + strings.Join(why, "; ")
}

// TestNoNetworkNamespace runs the real binary over all of testdata/hostile
// twice, once normally and once inside a network namespace, where no
// address but a down loopback exists: the reports (JSON, text and SARIF)
// and exit codes must be identical, so nothing prodlint does depends on the
// network. It needs root or unprivileged user namespaces; elsewhere it
// skips, and in CI (CI=true) it fails.
func TestNoNetworkNamespace(t *testing.T) {
	linuxOnly(t)
	prefix, why := netns()
	if prefix == nil {
		skipOrFail(t, "%s", why)
	}
	repo := hostileRepo(t)
	for _, format := range []string{"json", "text", "sarif"} {
		args := []string{"lint", "--format", format, "--target-timeout", "30s", "."}
		out := runBinary(t, repo, nil, nil, args...)
		in := runBinary(t, repo, nil, prefix, args...)
		if out.code != exitRender {
			t.Errorf("%s: exit %d outside the namespace, want 3 (hostile targets fail)\n%s", format, out.code, out.stderr)
		}
		if in.code != out.code || in.stdout != out.stdout || in.stderr != out.stderr {
			t.Errorf("%s: without network: exit %d, %d bytes out, stderr %q; with network: exit %d, %d bytes out, stderr %q",
				format, in.code, len(in.stdout), in.stderr, out.code, len(out.stdout), out.stderr)
		}
		if format == "json" {
			r := parseReport(t, out.stdout)
			for dir, want := range networkCases {
				if want != "" && !strings.Contains(r.errorsOf(dir), want) {
					t.Errorf("%s: errors %q, want %q", dir, r.errorsOf(dir), want)
				}
			}
			if !slices.Contains(r.rulesOf("healthy"), "host-network") {
				t.Errorf("healthy: findings %v, want host-network", r.rulesOf("healthy"))
			}
		}
		t.Logf("%s: exit %d, %s outside and %s inside the namespace, %d MB peak", format, out.code, out.wall.Round(time.Millisecond), in.wall.Round(time.Millisecond), in.maxRSS>>20)
	}
}

// TestNetWatchSees proves the watch of TestNoNetworkInProcess is not
// vacuous: an HTTP request, a name lookup and a git run are all recorded.
func TestNetWatchSees(t *testing.T) {
	w := watchNetwork(t)
	if resp, err := http.Get("https://example.com/x"); err == nil {
		resp.Body.Close()
	}
	_, _ = net.LookupHost("prodlint-watch.example.com")
	_ = exec.Command("git", "fetch", "origin").Run()
	a := strings.Join(w.all(), "\n")
	for _, want := range []string{"http GET https://example.com/x", "dial ", "exec git fetch origin"} {
		if !strings.Contains(a, want) {
			t.Errorf("the watch missed %q; it saw:\n%s", want, a)
		}
	}
}
