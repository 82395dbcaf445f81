//go:build unix

package main

// Benchmarks of a lint of a large synthetic repository, and of a lint of
// what one commit changes in it (docs/performance.md has the figures).
//
// The repository is generated in memory, written to disk and committed with
// go-git the first time a benchmark needs it. The folder,
// $TMPDIR/prodlint-benchrepo-<hash of its content>, is kept and reused by
// later runs of the same generator; a run that finds another version's
// folder removes it. Plain `go test` never builds it: only the benchmarks
// and TestGenerateBenchRepo with -benchrepo.out do.
//
//	go test -run '^$' -bench . -benchmem ./cmd/prodlint
//	go test -run '^TestGenerateBenchRepo$' ./cmd/prodlint -args -benchrepo.out DIR

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/prodlint/prodlint/change"
	"github.com/prodlint/prodlint/render"
)

var benchRepoOut = flag.String("benchrepo.out", "", "TestGenerateBenchRepo: write the synthetic benchmark repository into this folder (must not exist or be empty)")

// Shape of the synthetic repository.
const (
	benchCharts   = 200 // Helm charts, 1 or 2 ci/*-values.yaml each
	benchBases    = 50  // kustomize bases
	benchApps     = 100 // kustomize apps, one overlay per environment
	benchPlain    = 20  // folders of plain manifests
	benchChangedV = "charts/svc-007/values.yaml"
)

// benchEnvs are the overlays of each kustomize app: 100 apps × 3 = 300.
var benchEnvs = []string{"dev", "staging", "prod"}

// TestGenerateBenchRepo writes the benchmark repository into the folder
// given with -benchrepo.out (scripts/bench.sh uses it) and prints the base
// commit of the one-chart change. Without the flag it is skipped.
func TestGenerateBenchRepo(t *testing.T) {
	if *benchRepoOut == "" {
		t.Skip("pass -benchrepo.out DIR to generate the benchmark repository")
	}
	base, err := writeBenchRepo(*benchRepoOut)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("benchrepo %s base %s\n", *benchRepoOut, base)
}

// benchRepo is the generated repository shared by the benchmarks.
type benchRepo struct {
	dir  string // work tree: HEAD is the one-chart change, clean
	base string // SHA of the commit before the change
}

var (
	benchOnce sync.Once
	benchR    *benchRepo
	benchErr  error
)

// sharedBenchRepo returns the synthetic repository, building it on first use.
func sharedBenchRepo(b *testing.B) *benchRepo {
	b.Helper()
	benchOnce.Do(func() {
		start := time.Now()
		benchR, benchErr = cachedBenchRepo()
		if benchErr == nil {
			b.Logf("benchmark repository %s ready in %v", benchR.dir, time.Since(start).Round(time.Millisecond))
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchR
}

// cachedBenchRepo returns the repository in the temporary folder named after
// the hash of its content, generating it there when it is missing.
func cachedBenchRepo() (*benchRepo, error) {
	files, change := benchFiles()
	h := sha256.New()
	fmt.Fprintf(h, "packed\x00")
	for _, p := range sortedPaths(files) {
		fmt.Fprintf(h, "%s\x00%s\x00", p, files[p])
	}
	fmt.Fprintf(h, "change\x00%s", change)
	key := hex.EncodeToString(h.Sum(nil))[:16]
	dir := filepath.Join(os.TempDir(), "prodlint-benchrepo-"+key)
	if r, err := openBenchRepo(dir); err == nil {
		return r, nil
	}
	// Remove older versions, and a half-written copy of this one.
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "prodlint-benchrepo-*"))
	for _, o := range old {
		if o != dir && !strings.HasSuffix(o, ".tmp") {
			os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp("", "prodlint-benchrepo-*.tmp")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "repo")
	if _, err := writeBenchRepo(work); err != nil {
		return nil, err
	}
	os.RemoveAll(dir)
	if err := os.Rename(work, dir); err != nil {
		if r, err := openBenchRepo(dir); err == nil { // another process won
			return r, nil
		}
		return nil, err
	}
	return openBenchRepo(dir)
}

// openBenchRepo opens a generated repository and finds the base commit (the
// parent of HEAD).
func openBenchRepo(dir string) (*benchRepo, error) {
	repo, err := git.PlainOpen(dir)
	if err != nil {
		return nil, err
	}
	ref, err := repo.Head()
	if err != nil {
		return nil, err
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, err
	}
	if c.NumParents() != 1 {
		return nil, fmt.Errorf("%s: HEAD has %d parents", dir, c.NumParents())
	}
	p, err := c.Parent(0)
	if err != nil {
		return nil, err
	}
	return &benchRepo{dir: dir, base: p.Hash.String()}, nil
}

// writeBenchRepo writes and commits the repository in dir and then commits
// the one-chart change; it returns the SHA of the first commit.
func writeBenchRepo(dir string) (string, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return "", fmt.Errorf("%s is not empty", dir)
	}
	files, change := benchFiles()
	for p, body := range files {
		if err := writeFile(dir, p, body); err != nil {
			return "", err
		}
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		return "", err
	}
	base, err := commitAll(repo, "synthetic repository", 1)
	if err != nil {
		return "", err
	}
	if err := writeFile(dir, benchChangedV, change); err != nil {
		return "", err
	}
	if _, err := commitAll(repo, "svc-007: new image, more replicas", 2); err != nil {
		return "", err
	}
	// Pack the objects, as in a fresh clone (what CI lints).
	if err := repo.RepackObjects(&git.RepackConfig{}); err != nil {
		return "", err
	}
	loose, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "[0-9a-f][0-9a-f]"))
	for _, l := range loose {
		if err := os.RemoveAll(l); err != nil {
			return "", err
		}
	}
	return base, nil
}

func writeFile(dir, p, body string) error {
	f := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		return err
	}
	return os.WriteFile(f, []byte(body), 0o644)
}

func commitAll(repo *git.Repository, msg string, n int) (string, error) {
	wt, err := repo.Worktree()
	if err != nil {
		return "", err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", err
	}
	sig := &object.Signature{Name: "bench", Email: "bench@example.com", When: time.Date(2026, 1, 1, 0, n, 0, 0, time.UTC)}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func sortedPaths(m map[string]string) []string {
	ps := make([]string, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// benchFiles returns the files of the synthetic repository and the new
// content of benchChangedV.
func benchFiles() (map[string]string, string) {
	files := map[string]string{
		"README.md":  "# Synthetic repository for prodlint benchmarks\n",
		".gitignore": "*.tgz\n",
	}
	for i := range benchCharts {
		addChart(files, i)
	}
	for i := range benchBases {
		addBase(files, i)
	}
	addComponent(files)
	for i := range benchApps {
		for _, env := range benchEnvs {
			addOverlay(files, i, env)
		}
	}
	for i := range benchPlain {
		addPlain(files, i)
	}
	change := strings.Replace(files[benchChangedV], "replicaCount: 2", "replicaCount: 4", 1)
	change = strings.Replace(change, `tag: "1.7.0"`, `tag: "1.7.1"`, 1)
	return files, change
}

// chartName is the name of chart i; its folder is charts/<name>.
func chartName(i int) string { return fmt.Sprintf("svc-%03d", i) }

// addChart adds a chart in the style of helm create: _helpers.tpl,
// deployment, service, HPA, service account, a test hook and NOTES.txt;
// every third chart has a ConfigMap, every fourth an ingress, every fifth a
// PodDisruptionBudget, every tenth a vendored subchart.
func addChart(files map[string]string, i int) {
	name := chartName(i)
	dir := "charts/" + name + "/"
	sub := i%10 == 0
	deps := ""
	if sub {
		deps = "dependencies:\n  - name: cache\n    version: 0.3.0\n    repository: file://charts/cache\n    condition: cache.enabled\n"
	}
	files[dir+"Chart.yaml"] = fmt.Sprintf(`apiVersion: v2
name: %s
description: Service %d of the synthetic benchmark repository
type: application
version: 0.%d.0
appVersion: "1.%d.0"
%s`, name, i, i%20, i%10, deps)
	files[dir+".helmignore"] = ".DS_Store\n.git/\n*.swp\n*.bak\n*.tmp\n.vscode/\n"
	tpl := func(s string) string { return strings.ReplaceAll(s, "CHART", name) }
	files[dir+"templates/_helpers.tpl"] = tpl(helpersTpl)
	files[dir+"templates/deployment.yaml"] = tpl(deploymentTpl)
	files[dir+"templates/service.yaml"] = tpl(serviceTpl)
	files[dir+"templates/hpa.yaml"] = tpl(hpaTpl)
	files[dir+"templates/serviceaccount.yaml"] = tpl(serviceAccountTpl)
	files[dir+"templates/tests/test-connection.yaml"] = tpl(testConnectionTpl)
	files[dir+"templates/NOTES.txt"] = tpl(notesTpl)
	if i%3 == 0 {
		files[dir+"templates/configmap.yaml"] = tpl(configMapTpl)
	}
	if i%4 == 0 {
		files[dir+"templates/ingress.yaml"] = tpl(ingressTpl)
	}
	if i%5 == 0 {
		files[dir+"templates/pdb.yaml"] = tpl(pdbTpl)
	}
	if sub {
		files[dir+"charts/cache/Chart.yaml"] = "apiVersion: v2\nname: cache\nversion: 0.3.0\nappVersion: \"7.2\"\n"
		files[dir+"charts/cache/values.yaml"] = cacheValues
		files[dir+"charts/cache/templates/statefulset.yaml"] = cacheStatefulSet
		files[dir+"charts/cache/templates/service.yaml"] = cacheService
	}

	// values.yaml: the defaults of helm create with per-chart differences.
	secure := i%2 == 0
	files[dir+"values.yaml"] = chartValues(i, secure, sub)
	files[dir+"ci/prod-values.yaml"] = fmt.Sprintf(`replicaCount: 3
image:
  tag: "1.%d.0"
autoscaling:
  enabled: true
  minReplicas: 3
  maxReplicas: %d
resources:
  requests:
    cpu: 250m
    memory: 256Mi
  limits:
    memory: 512Mi
ingress:
  enabled: true
  hosts:
    - host: %s.example.com
      paths:
        - path: /
          pathType: Prefix
  tls:
    - secretName: %s-tls
      hosts:
        - %s.example.com
`, i%10, 5+i%10, name, name, name)
	if i%2 == 1 {
		files[dir+"ci/staging-values.yaml"] = fmt.Sprintf("replicaCount: 1\nimage:\n  tag: \"1.%d.0-rc1\"\npodAnnotations:\n  environment: staging\n", i%10)
	}
}

func chartValues(i int, secure, sub bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Default values for %s.
replicaCount: 2

image:
  repository: ghcr.io/example/%s
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: "1.%d.0"

imagePullSecrets: []
nameOverride: ""
fullnameOverride: ""

serviceAccount:
  create: true
  automount: %t
  annotations: {}
  name: ""

podAnnotations: {}
podLabels:
  team: team-%d

`, chartName(i), chartName(i), i%10, !secure, i%8)
	if secure {
		b.WriteString(`podSecurityContext:
  runAsNonRoot: true
  runAsUser: 10001
  seccompProfile:
    type: RuntimeDefault

securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop:
      - ALL

`)
	} else {
		b.WriteString("podSecurityContext: {}\n\nsecurityContext: {}\n\n")
	}
	fmt.Fprintf(&b, `service:
  type: ClusterIP
  port: %d

ingress:
  enabled: false
  className: nginx
  annotations: {}
  hosts:
    - host: chart-example.local
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls: []

resources:
  requests:
    cpu: 100m
    memory: 128Mi
`, 8000+i)
	if i%3 != 0 {
		b.WriteString("  limits:\n    memory: 256Mi\n")
	}
	b.WriteString(`
livenessProbe:
  httpGet:
    path: /healthz
    port: http
readinessProbe:
  httpGet:
    path: /ready
    port: http

autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80
  # targetMemoryUtilizationPercentage: 80

podDisruptionBudget:
  maxUnavailable: 1

config:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout"

volumes: []
volumeMounts: []

nodeSelector: {}

tolerations: []

affinity: {}
`)
	if sub {
		b.WriteString("\ncache:\n  enabled: true\n  memory: 256Mi\n")
	}
	return b.String()
}

// addBase adds kustomize base i: a Deployment, a Service and a ConfigMap.
func addBase(files map[string]string, i int) {
	name := fmt.Sprintf("web-%02d", i)
	dir := fmt.Sprintf("kustomize/bases/%s/", name)
	files[dir+"kustomization.yaml"] = fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
  - configmap.yaml
labels:
  - pairs:
      app.kubernetes.io/name: %s
      app.kubernetes.io/part-of: shop
    includeSelectors: true
`, name)
	probe := ""
	if i%4 != 0 {
		probe = `          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /live
              port: http
`
	}
	files[dir+"deployment.yaml"] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
spec:
  replicas: 1
  selector:
    matchLabels:
      app: %s
  template:
    metadata:
      labels:
        app: %s
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: app
          image: ghcr.io/example/%s:2.%d.0
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: PORT
              value: "8080"
          envFrom:
            - configMapRef:
                name: %s-config
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
%s`, name, name, name, name, i%7, name, probe)
	files[dir+"service.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: %s
spec:
  selector:
    app: %s
  ports:
    - name: http
      port: 80
      targetPort: http
`, name, name)
	files[dir+"configmap.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: %s-config
data:
  LOG_FORMAT: json
  UPSTREAM: http://catalog.shop.svc:80
`, name)
}

// addComponent adds the monitoring component the prod overlays use.
func addComponent(files map[string]string) {
	files["kustomize/components/monitoring/kustomization.yaml"] = `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: add
        path: /spec/template/metadata/annotations
        value:
          prometheus.io/scrape: "true"
          prometheus.io/port: "9090"
`
}

// addOverlay adds the overlay of kustomize app i for env.
func addOverlay(files map[string]string, i int, env string) {
	base := fmt.Sprintf("web-%02d", i%benchBases)
	dir := fmt.Sprintf("kustomize/apps/app-%02d/%s/", i, env)
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: app-%02d-%s
namePrefix: app-%02d-
resources:
  - ../../../bases/%s
`, i, env, i, base)
	if env == "prod" {
		b.WriteString("  - pdb.yaml\ncomponents:\n  - ../../../components/monitoring\n")
	}
	fmt.Fprintf(&b, `labels:
  - pairs:
      environment: %s
images:
  - name: ghcr.io/example/%s
    newTag: 2.%d.%d
replicas:
  - name: %s
    count: %d
patches:
  - path: resources-patch.yaml
  - target:
      kind: Deployment
      name: %s
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value:
          name: ENVIRONMENT
          value: %s
configMapGenerator:
  - name: app-settings
    literals:
      - ENVIRONMENT=%s
      - APP=app-%02d
`, env, base, i%7, i%3, base, map[string]int{"dev": 1, "staging": 2, "prod": 3}[env], base, env, env, i)
	files[dir+"kustomization.yaml"] = b.String()
	mem := map[string]string{"dev": "128Mi", "staging": "256Mi", "prod": "512Mi"}[env]
	files[dir+"resources-patch.yaml"] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            limits:
              memory: %s
`, base, mem)
	if env == "prod" {
		files[dir+"pdb.yaml"] = fmt.Sprintf(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: %s
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: %s
`, base, base)
	}
}

// addPlain adds a folder of plain manifests: a namespace, RBAC, a network
// policy and a CronJob.
func addPlain(files map[string]string, i int) {
	ns := fmt.Sprintf("platform-%02d", i)
	dir := "manifests/" + ns + "/"
	files[dir+"namespace.yaml"] = fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n", ns)
	files[dir+"rbac.yaml"] = fmt.Sprintf(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: janitor
  namespace: %[1]s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: janitor
  namespace: %[1]s
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "delete"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: janitor
  namespace: %[1]s
subjects:
  - kind: ServiceAccount
    name: janitor
    namespace: %[1]s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: janitor
`, ns)
	files[dir+"networkpolicy.yaml"] = fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: %s
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`, ns)
	files[dir+"cronjob.yaml"] = fmt.Sprintf(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
  namespace: %s
spec:
  schedule: "*/30 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: janitor
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: bitnami/kubectl:1.%d
              args: ["delete", "pods", "--field-selector=status.phase==Succeeded"]
`, ns, 28+i%6)
}

const helpersTpl = `{{/*
Expand the name of the chart.
*/}}
{{- define "CHART.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "CHART.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "CHART.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "CHART.labels" -}}
helm.sh/chart: {{ include "CHART.chart" . }}
{{ include "CHART.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "CHART.selectorLabels" -}}
app.kubernetes.io/name: {{ include "CHART.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "CHART.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "CHART.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
`

const deploymentTpl = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "CHART.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        {{- if .Values.config }}
        checksum/config: {{ .Values.config | toJson | sha256sum }}
        {{- end }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "CHART.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ include "CHART.serviceAccountName" . }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
              protocol: TCP
          {{- with .Values.config }}
          env:
            {{- range $k, $v := . }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
          {{- end }}
          livenessProbe:
            {{- toYaml .Values.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          {{- with .Values.volumeMounts }}
          volumeMounts:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      {{- with .Values.volumes }}
      volumes:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
`

const serviceTpl = `apiVersion: v1
kind: Service
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{- include "CHART.selectorLabels" . | nindent 4 }}
`

const hpaTpl = `{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "CHART.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- if .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- end }}
    {{- if .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetMemoryUtilizationPercentage }}
    {{- end }}
{{- end }}
`

const serviceAccountTpl = `{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "CHART.serviceAccountName" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
{{- end }}
`

const testConnectionTpl = `apiVersion: v1
kind: Pod
metadata:
  name: "{{ include "CHART.fullname" . }}-test-connection"
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['{{ include "CHART.fullname" . }}:{{ .Values.service.port }}']
  restartPolicy: Never
`

const notesTpl = `1. Get the application URL by running these commands:
  export POD_NAME=$(kubectl get pods --namespace {{ .Release.Namespace }} -l "app.kubernetes.io/name={{ include "CHART.name" . }}" -o jsonpath="{.items[0].metadata.name}")
  kubectl --namespace {{ .Release.Namespace }} port-forward $POD_NAME 8080:{{ .Values.service.port }}
`

const configMapTpl = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
data:
  {{- range $k, $v := .Values.config }}
  {{ $k }}: {{ $v | quote }}
  {{- end }}
`

const ingressTpl = `{{- if .Values.ingress.enabled -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .Values.ingress.tls }}
  tls:
    {{- range .Values.ingress.tls }}
    - hosts:
        {{- range .hosts }}
        - {{ . | quote }}
        {{- end }}
      secretName: {{ .secretName }}
    {{- end }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            {{- with .pathType }}
            pathType: {{ . }}
            {{- end }}
            backend:
              service:
                name: {{ include "CHART.fullname" $ }}
                port:
                  number: {{ $.Values.service.port }}
          {{- end }}
    {{- end }}
{{- end }}
`

const pdbTpl = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "CHART.fullname" . }}
  labels:
    {{- include "CHART.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "CHART.selectorLabels" . | nindent 6 }}
`

const cacheValues = `enabled: true
image: redis:7.2.4
memory: 128Mi
`

const cacheStatefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-cache
spec:
  serviceName: {{ .Release.Name }}-cache
  replicas: 1
  selector:
    matchLabels:
      app: {{ .Release.Name }}-cache
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}-cache
    spec:
      containers:
        - name: redis
          image: {{ .Values.image }}
          ports:
            - name: redis
              containerPort: 6379
          resources:
            requests:
              cpu: 50m
              memory: {{ .Values.memory }}
            limits:
              memory: {{ .Values.memory }}
`

const cacheService = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-cache
spec:
  clusterIP: None
  selector:
    app: {{ .Release.Name }}-cache
  ports:
    - name: redis
      port: 6379
`

// benchLint runs Main and fails unless it ends with findings or nothing
// (exit 0 or 1): a render error would make the numbers meaningless.
func benchLint(b *testing.B, stdout io.Writer, args ...string) {
	var errb bytes.Buffer
	if code := Main(args, stdout, &errb); code > exitFindings {
		b.Fatalf("prodlint %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
}

// checkReport runs the lint once and checks the number of targets and that
// nothing failed to render.
func checkReport(b *testing.B, wantTargets int, args ...string) {
	b.Helper()
	var out bytes.Buffer
	benchLint(b, &out, args...)
	var r struct {
		Targets []json.RawMessage `json:"targets"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		b.Fatalf("%v\n%.2000s", err, out.String())
	}
	if len(r.Targets) != wantTargets || len(r.Errors) > 0 {
		b.Fatalf("prodlint %s: %d targets (want %d), errors %v", strings.Join(args, " "), len(r.Targets), wantTargets, r.Errors)
	}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per iteration since start (cpu-ns/op):
// unlike ns/op, it barely moves when other processes share the cores.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// benchTargets is the number of targets of the synthetic repository.
const benchTargets = benchCharts + benchApps*3 + benchPlain

func BenchmarkLintFull(b *testing.B) {
	r := sharedBenchRepo(b)
	args := []string{"lint", "--format", "json", r.dir}
	checkReport(b, benchTargets, args...)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		benchLint(b, io.Discard, args...)
	}
	reportCPU(b, start)
}

func BenchmarkLintOneChartChange(b *testing.B) {
	r := sharedBenchRepo(b)
	args := []string{"lint", "--base", r.base, "--format", "json", r.dir}
	checkReport(b, 1, args...)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		benchLint(b, io.Discard, args...)
	}
	reportCPU(b, start)
}

func BenchmarkLintExampleRepo(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "example-repo")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "example-repo"))); err != nil {
		b.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		b.Fatal(err)
	}
	args := []string{"lint", "--format", "json", dir}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		benchLint(b, io.Discard, args...)
	}
	reportCPU(b, start)
}

// benchDiscover discovers the targets of the synthetic repository.
func benchDiscover(b *testing.B) (*benchRepo, render.Options, *render.Discovery) {
	r := sharedBenchRepo(b)
	opts := render.Options{Root: r.dir}
	fsys, err := opts.RepoFS()
	if err != nil {
		b.Fatal(err)
	}
	opts.FS = fsys
	d, err := render.Discover(fsys, ".")
	if err != nil {
		b.Fatal(err)
	}
	if len(d.Targets) != benchTargets || len(d.Errors) > 0 {
		b.Fatalf("%d targets, %d errors", len(d.Targets), len(d.Errors))
	}
	return r, opts, d
}

func BenchmarkDiscover(b *testing.B) {
	_, opts, _ := benchDiscover(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := render.Discover(opts.FS, "."); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiscoverBaseTree is the discovery that a --base lint does at the
// base revision, over the git tree instead of the work tree.
func BenchmarkDiscoverBaseTree(b *testing.B) {
	r, _, _ := benchDiscover(b)
	repo, err := change.Open(r.dir)
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	b.ReportAllocs()
	for b.Loop() {
		fsys, err := repo.TreeFS(r.base)
		if err != nil {
			b.Fatal(err)
		}
		d, err := render.Discover(fsys, ".")
		if err != nil || len(d.Targets) != benchTargets {
			b.Fatal(err)
		}
	}
}

// BenchmarkSince is the change detection of a --base lint: the commits
// since the base and the state of the work tree.
func BenchmarkSince(b *testing.B) {
	r := sharedBenchRepo(b)
	b.ReportAllocs()
	for b.Loop() {
		repo, err := change.Open(r.dir)
		if err != nil {
			b.Fatal(err)
		}
		d, err := repo.Since(r.base)
		if err != nil || len(d.Changes) != 1 {
			b.Fatal(err, d)
		}
		repo.Close()
	}
}

func BenchmarkBuildGraph(b *testing.B) {
	_, opts, d := benchDiscover(b)
	b.ReportAllocs()
	for b.Loop() {
		render.BuildGraph(opts.FS, d.Targets, configFile)
	}
}

// BenchmarkAffectedOneFile is the lookup after the graph is built: which
// targets a one-file change reaches. The sub-benchmarks change a chart's
// values file (one chart), a kustomize base file (its six overlays) and a
// file no target reads.
func BenchmarkAffectedOneFile(b *testing.B) {
	_, opts, d := benchDiscover(b)
	g := render.BuildGraph(opts.FS, d.Targets, configFile)
	for _, c := range []struct {
		name, file string
		want       int
	}{
		{"chart-values", benchChangedV, 1},
		{"kustomize-base", "kustomize/bases/web-07/deployment.yaml", benchApps / benchBases * len(benchEnvs)},
		{"unrelated", "README.md", 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			changed := []string{c.file}
			var got []render.Target
			b.ReportAllocs()
			for b.Loop() {
				got = g.Affected(changed)
			}
			if len(got) != c.want {
				b.Fatalf("%s affects %d targets, want %d", c.file, len(got), c.want)
			}
		})
	}
}
