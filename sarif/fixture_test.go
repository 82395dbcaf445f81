package sarif

import (
	"errors"
	"fmt"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// testRules are rules made for the tests, independent of the registry: two
// security rules, two others, and one rule without findings.
func testRules() []*lint.Rule {
	return []*lint.Rule{
		{
			ID:       "run-as-non-root",
			Severity: lint.Warning,
			Summary:  "Containers should run as a non-root user",
			Rationale: "A process that runs as root in a container is root on the node " +
				"when it escapes the container; runAsNonRoot makes the kubelet refuse to start it.",
			Remediation: "Set `runAsNonRoot: true` and a non-zero `runAsUser`:\n\n" +
				"```yaml\nsecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n```\n",
			Tags:             []string{"security"},
			SecuritySeverity: 7.5,
		},
		{
			ID:       "privileged-container",
			Severity: lint.Error,
			Summary:  "Containers must not run privileged",
			Rationale: "A privileged container has every capability and access to the host's " +
				"devices: a compromise of the container is a compromise of the node.",
			Remediation: "Remove `privileged: true`, and add only the capabilities the process needs " +
				"(`NET_BIND_SERVICE` for ports < 1024):\n\n" +
				"```yaml\nsecurityContext:\n  privileged: false\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]\n```\n",
			Tags:             []string{"security", "pod-security"},
			SecuritySeverity: 8,
		},
		{
			ID:          "resource-limits",
			Severity:    lint.Warning,
			Summary:     "Containers should set memory requests and limits",
			Rationale:   "Without a memory limit one container can take the node's memory & get other pods evicted.",
			Remediation: "Set `resources.requests.memory` and `resources.limits.memory`:\n\n```yaml\nresources:\n  requests: {memory: 256Mi}\n  limits: {memory: 256Mi}\n```\n",
			Tags:        []string{"resources"},
		},
		{
			ID:          "pod-disruption-budget",
			Severity:    lint.Note,
			Summary:     "Replicated workloads should have a PodDisruptionBudget",
			Rationale:   "A node drain may evict every replica at once without a PodDisruptionBudget.",
			Remediation: "Add a PodDisruptionBudget that selects the pods:\n\n```yaml\napiVersion: policy/v1\nkind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n```\n",
			Tags:        []string{"reliability"},
		},
		{
			ID:          "liveness-probe",
			Severity:    lint.Warning,
			Summary:     "Long-running containers should have a liveness probe",
			Rationale:   "Without a liveness probe a deadlocked process keeps its pod running and serving nothing.",
			Remediation: "Add a `livenessProbe`:\n\n```yaml\nlivenessProbe:\n  httpGet: {path: /healthz, port: http}\n```\n",
			Tags:        []string{"reliability"},
		},
	}
}

func loc(file string, line, col, endLine, endCol int) render.Location {
	return render.Location{File: file, Line: line, Col: col, EndLine: endLine, EndCol: endCol}
}

// testResult is a lint result as a run over a repository with a chart, a
// kustomization and plain manifests would produce it, with render errors and
// notes.
func testResult() *lint.Result {
	payments := lint.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "payments-prod", Name: "payments"}
	migrate := lint.ObjectRef{APIVersion: "batch/v1", Kind: "Job", Namespace: "payments-prod", Name: "payments-migrate"}
	web := lint.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	cron := lint.ObjectRef{APIVersion: "batch/v1", Kind: "CronJob", Name: "nightly-report"}
	chart := render.Target{Kind: render.Helm, Dir: "charts/payments", Variants: []string{"ci/prod-values.yaml"}}
	overlay := render.Target{Kind: render.Kustomize, Dir: "deploy/overlays/prod"}
	legacy := render.Target{Kind: render.Plain, Dir: "manifests/legacy apps", Files: []string{"manifests/legacy apps/cron job.yaml"}}
	broken := render.Target{Kind: render.Helm, Dir: "charts/broken"}
	bad := render.Target{Kind: render.Plain, Dir: "manifests/bad", Files: []string{"manifests/bad/svc.yaml"}}
	root := render.Target{Kind: render.Kustomize, Dir: "."}

	return &lint.Result{
		Targets: []render.Target{chart, overlay, legacy, broken, bad, root},
		Findings: []lint.Finding{
			{
				Rule: "privileged-container", Severity: lint.Error,
				Message: "runs privileged (securityContext.privileged: true)",
				Target:  chart.Dir, TargetKind: chart.Kind, Variants: []string{"", "ci/prod-values.yaml"},
				Object: payments, Container: "api",
				Path:        "spec.template.spec.containers[name=api].securityContext.privileged",
				Location:    loc("charts/payments/templates/deployment.yaml", 31, 13, 31, 23),
				Fingerprint: "5f0c2d7be1a94c3e8d21f0a6b7c48e19",
			},
			{
				Rule: "run-as-non-root", Severity: lint.Warning,
				Message: "may run as root: securityContext.runAsNonRoot is not set",
				Target:  chart.Dir, TargetKind: chart.Kind, Variants: []string{"ci/prod-values.yaml"},
				Object: payments, Container: "api",
				Path:        "spec.template.spec.containers[name=api].securityContext.runAsNonRoot",
				Location:    loc("charts/payments/templates/deployment.yaml", 28, 9, 28, 16),
				Fingerprint: "a3b1e6f0c9d8475a9e2b6c1d0f7e8a93",
			},
			{
				Rule: "resource-limits", Severity: lint.Warning,
				Message: "has no memory limit (resources.limits.memory)",
				Target:  chart.Dir, TargetKind: chart.Kind, Variants: []string{""},
				Object: migrate, Container: "migrate", Hook: "pre-install,pre-upgrade",
				Path:        "spec.template.spec.containers[name=migrate].resources.limits.memory",
				Location:    loc("charts/payments/templates/migrate-job.yaml", 22, 11, 22, 20),
				Fingerprint: "0c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f",
			},
			{
				Rule: "pod-disruption-budget", Severity: lint.Note,
				Message: "has 3 replicas and no PodDisruptionBudget selects its pods",
				Target:  overlay.Dir, TargetKind: overlay.Kind, Variants: []string{""},
				Object:      web,
				Path:        "spec.replicas",
				Location:    loc("deploy/base/deployment.yaml", 8, 3, 8, 11),
				Fingerprint: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
			},
			{
				Rule: "resource-limits", Severity: lint.Warning,
				Message: "has no memory limit (resources.limits.memory)",
				Target:  legacy.Dir, TargetKind: legacy.Kind, Variants: []string{""},
				Object: cron, Container: "report-ä",
				Path:        "spec.jobTemplate.spec.template.spec.containers[name=report-ä]",
				Location:    loc("manifests/legacy apps/cron job.yaml", 14, 15, 14, 25),
				Fingerprint: "1a2b3c4d5e6f708192a3b4c5d6e7f809",
			},
		},
		Errors: []*lint.TargetError{
			{Target: broken, Err: errors.New(`template: broken/templates/deployment.yaml:12:14: executing "broken/templates/deployment.yaml" at <.Values.image.tag>: nil pointer evaluating interface {}.tag`)},
			{Target: bad, Err: &render.FileError{File: "manifests/bad/svc.yaml", Line: 7, Err: errors.New("invalid YAML: mapping values are not allowed in this context")}},
			{Target: root, Err: fmt.Errorf("kustomize build: %w", errors.New("accumulating resources: missing.yaml: no such file or directory"))},
		},
		Notes: []string{
			"kustomize deploy/overlays/prod: helmCharts generator skipped (set --enable-helm to render it)",
		},
		Objects: 9,
	}
}

// testOptions are the options of the golden file.
func testOptions() Options {
	return Options{
		Version:  "v1.4.0",
		Category: "prodlint/shard-1-of-3",
		RootURI:  "file:///home/runner/work/shop/shop/",
		Rules:    testRules(),
	}
}
