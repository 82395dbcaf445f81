package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	pod := strings.Replace(goodPod, "  name: ok\n", "  name: ok\n", 1)
	files := map[string]string{
		"k8s/pod.yaml":                 strings.Replace(pod, "image: ghcr.io/example/app:1.2.3", "image: ghcr.io/example/app:latest", 1),
		"legacy/pod.yaml":              hostNetPod,
		"charts/web/Chart.yaml":        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"charts/web/values.yaml":       "ns: x\n",
		"charts/web/prod.yaml":         "ns: y\n",
		"charts/web/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.ns }}\n  namespace: {{ .Release.Namespace }}\n",
	}
	tests := []struct {
		name   string
		config string
		code   int
		has    []string
		hasnt  []string
	}{
		{"defaults", "", 1, []string{"legacy/pod.yaml", "[image-latest-tag]"}, nil},
		{"exclude and severity", "exclude: [legacy/**]\nrules:\n  image-latest-tag: note\n", 0, []string{"note: Pod tools/ok"}, []string{"legacy/pod.yaml"}},
		{"off", "exclude: [legacy]\nrules:\n  image-latest-tag: off\n", 0, nil, []string{"image-latest-tag"}},
		{"opt-in", "exclude: [legacy]\nrules:\n  missing-cpu-limit: error\n", 1, []string{"[missing-cpu-limit]", "error: Pod tools/ok"}, nil},
		{"charts", "exclude: [legacy, k8s]\ncharts:\n  charts/web:\n    valuesFiles: [prod.yaml]\n    releaseName: web\n    namespace: shop\n", 0, []string{"2 objects"}, nil},
		{"unknown key", "rulez: {}\n", 2, nil, nil},
		{"unknown rule", "rules:\n  host-netwrok: off\n", 2, nil, nil},
		{"bad level", "rules:\n  host-network: loud\n", 2, nil, nil},
		{"unknown chart", "charts:\n  charts/nope: {}\n", 2, nil, nil},
		{"bad yaml", "rules: [\n", 2, nil, nil},
	}
	errs := map[string]string{
		"unknown key":   ".prodlint.yaml:1: field rulez is not a prodlint setting",
		"unknown rule":  ".prodlint.yaml:2: unknown rule \"host-netwrok\"",
		"bad level":     ".prodlint.yaml:2: rule host-network: \"loud\": use off, on, note, warning or error",
		"unknown chart": "charts/nope has no Chart.yaml",
		"bad yaml":      ".prodlint.yaml",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{}
			for k, v := range files {
				fs[k] = v
			}
			if tt.config != "" {
				fs[".prodlint.yaml"] = tt.config
			}
			dir := repo(t, fs)
			code, out, stderr := run(t, "lint", "--fail-on", "warning", dir)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tt.code, out, stderr)
			}
			for _, h := range tt.has {
				if !strings.Contains(out, h) {
					t.Errorf("output lacks %q:\n%s", h, out)
				}
			}
			for _, h := range tt.hasnt {
				if strings.Contains(out, h) {
					t.Errorf("output has %q:\n%s", h, out)
				}
			}
			if want, ok := errs[tt.name]; ok && !strings.Contains(stderr, want) {
				t.Errorf("stderr %q lacks %q", stderr, want)
			}
		})
	}
}

func TestConfigFlagAndKubeVersion(t *testing.T) {
	dir := repo(t, map[string]string{
		"k8s/cj.yaml":  "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n  namespace: x\nspec: {}\n",
		"ci/lint.yaml": "kubeVersion: \"1.20\"\n",
	})
	_, out, _ := run(t, "lint", "--config", filepath.Join(dir, "ci/lint.yaml"), dir)
	if strings.Contains(out, "removed-api-version") {
		t.Errorf("kubeVersion 1.20 from --config: batch/v1beta1 CronJob is still served:\n%s", out)
	}
	_, out, _ = run(t, "lint", "--config", filepath.Join(dir, "ci/lint.yaml"), "--kube-version", "1.30", dir)
	if !strings.Contains(out, "removed-api-version") {
		t.Errorf("--kube-version 1.30 must win over the config:\n%s", out)
	}
	if code, _, errs := run(t, "lint", "--config", filepath.Join(dir, "nope.yaml"), dir); code != 2 || !strings.Contains(errs, "nope.yaml") {
		t.Errorf("missing --config: exit %d %s", code, errs)
	}
}

func TestSuppressionOutput(t *testing.T) {
	dir := repo(t, map[string]string{
		"k8s/pod.yaml": strings.Replace(hostNetPod, "  hostNetwork: true\n", "  hostNetwork: true # prodlint:ignore host-network -- debugging pod, deleted after use\n", 1),
	})
	_, out, _ := run(t, "lint", dir)
	if strings.Contains(out, "[host-network]") || !strings.Contains(out, "1 suppressed") {
		t.Errorf("text:\n%s", out)
	}
	_, out, _ = run(t, "lint", "--show-suppressed", dir)
	if !strings.Contains(out, "suppressed error") || !strings.Contains(out, "suppressed: debugging pod, deleted after use") {
		t.Errorf("--show-suppressed:\n%s", out)
	}
	_, out, _ = run(t, "lint", "--format", "sarif", dir)
	if strings.Contains(out, `"ruleId": "host-network"`) {
		t.Errorf("GitHub-bound SARIF keeps a suppressed finding")
	}
	sarifFile := filepath.Join(t.TempDir(), "s.sarif")
	run(t, "lint", "--format", "sarif", "--include-suppressed", "--output", sarifFile, dir)
	b, _ := os.ReadFile(sarifFile)
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind          string `json:"kind"`
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range doc.Runs[0].Results {
		if r.RuleID == "host-network" {
			found = len(r.Suppressions) == 1 && r.Suppressions[0].Kind == "inSource" && r.Suppressions[0].Justification == "debugging pod, deleted after use"
		}
	}
	if !found {
		t.Errorf("--include-suppressed: no suppressed host-network result with its justification:\n%s", b)
	}
	script, _ := filepath.Abs("../../scripts/sarif-validate.sh")
	if exec.Command("bash", script, "--installed").Run() == nil {
		if out, err := exec.Command("bash", script, sarifFile).CombinedOutput(); err != nil {
			t.Errorf("SARIF with suppressions does not validate: %v\n%s", err, out)
		}
	}
}
