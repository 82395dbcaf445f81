package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/prodlint/prodlint/render"
)

// ConfigFile is the name of the configuration file at the repository root.
const ConfigFile = ".prodlint.yaml"

// Settings is the content of .prodlint.yaml.
//
//	kubeVersion: "1.33"
//	apiVersions: [monitoring.coreos.com/v1]
//	rules:
//	  default-service-account: off       # off, note, warning, error, or on (default severity)
//	  missing-cpu-limit: warning         # opt-in rules are enabled by naming them
//	exclude:
//	  - legacy/**
//	charts:
//	  charts/web:
//	    valuesFiles: [values-prod.yaml]  # extra variants
//	    releaseName: web
//	    namespace: shop
//	workloads:
//	  - apiVersion: example.com/v1
//	    kind: Worker
//	    podTemplate: spec.template
//	gitops:
//	  repoURLs: [https://github.com/acme/platform.git]  # besides the Git remotes
//	  production: '(^|-)(prod|live)(-|$)'               # production destinations
type Settings struct {
	// File is where the settings were read from ("" for defaults).
	File        string                   `yaml:"-"`
	KubeVersion string                   `yaml:"kubeVersion"`
	APIVersions []string                 `yaml:"apiVersions"`
	Rules       map[string]string        `yaml:"rules"`
	Exclude     []string                 `yaml:"exclude"`
	Charts      map[string]ChartSettings `yaml:"charts"`
	Workloads   []WorkloadKind           `yaml:"workloads"`
	GitOps      GitOpsSettings           `yaml:"gitops"`

	exclude []*regexp.Regexp
}

// GitOpsSettings configure how GitOps objects are resolved and checked.
type GitOpsSettings struct {
	// RepoURLs are URLs of this repository besides its Git remotes
	// (mirrors, the URL Argo CD or Flux use).
	RepoURLs []string `yaml:"repoURLs"`
	// Production is a regular expression matching production
	// destinations (namespace, cluster, project); empty means
	// DefaultProduction.
	Production string `yaml:"production"`
	// Disabled turns GitOps resolution off: charts and kustomizations
	// render with their defaults.
	Disabled bool `yaml:"disabled"`

	production *regexp.Regexp
}

// ProductionPattern returns the compiled production pattern, nil for the
// default.
func (g GitOpsSettings) ProductionPattern() *regexp.Regexp { return g.production }

// ChartSettings are per-chart render settings, keyed by the chart folder.
type ChartSettings struct {
	ValuesFiles []string `yaml:"valuesFiles"`
	ReleaseName string   `yaml:"releaseName"`
	Namespace   string   `yaml:"namespace"`
}

// WorkloadKind declares a custom resource that embeds a pod template, so
// that the workload rules check it.
type WorkloadKind struct {
	APIVersion  string `yaml:"apiVersion"`
	Kind        string `yaml:"kind"`
	PodTemplate string `yaml:"podTemplate"`
}

// configError is a problem in the configuration file, at line (0 when it
// has none): a *render.FileError, as every other file problem.
func configError(file string, line int, msg string) error {
	return &render.FileError{File: file, Line: line, Err: errors.New(msg)}
}

var yamlErrLine = regexp.MustCompile(`line (\d+): (.*)`)

// ParseSettings reads and validates a configuration file. Unknown keys,
// unknown rule ids and bad values are errors naming the file and line.
func ParseSettings(file string, b []byte) (*Settings, error) {
	s := &Settings{File: file}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, configYAMLError(file, err)
	}
	if len(root.Content) == 0 {
		return s, nil // an empty file is the default configuration
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return nil, configYAMLError(file, err)
	}
	s.File = file
	doc := root.Content[0]
	if err := s.validate(doc); err != nil {
		return nil, err
	}
	return s, nil
}

func configYAMLError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		msg = m[2]
		msg = strings.Replace(msg, "not found in type lint.Settings", "is not a prodlint setting (kubeVersion, apiVersions, rules, exclude, charts, workloads, gitops)", 1)
		msg = strings.Replace(msg, "not found in type lint.ChartSettings", "is not a chart setting (valuesFiles, releaseName, namespace)", 1)
		msg = strings.Replace(msg, "not found in type lint.WorkloadKind", "is not a workload setting (apiVersion, kind, podTemplate)", 1)
		msg = strings.Replace(msg, "not found in type lint.GitOpsSettings", "is not a gitops setting (repoURLs, production, disabled)", 1)
		return configError(file, line, msg)
	}
	return configError(file, 0, "invalid YAML: "+msg)
}

// validate checks what the YAML decoder cannot: rule ids and levels,
// exclude patterns, chart folders, workload kinds.
func (s *Settings) validate(doc *yaml.Node) error {
	if rules := render.MapValue(doc, "rules"); rules != nil && rules.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(rules.Content); i += 2 {
			k, v := rules.Content[i], rules.Content[i+1]
			if _, ok := Lookup(k.Value); !ok {
				return configError(s.File, k.Line, fmt.Sprintf("unknown rule %q; run \"prodlint rules\" to list them", k.Value))
			}
			if _, _, err := ruleLevel(v.Value); err != nil {
				return configError(s.File, v.Line, fmt.Sprintf("rule %s: %v", k.Value, err))
			}
		}
	}
	if ex := render.MapValue(doc, "exclude"); ex != nil {
		for _, n := range ex.Content {
			re, err := globRegexp(n.Value)
			if err != nil {
				return configError(s.File, n.Line, fmt.Sprintf("exclude %q: %v", n.Value, err))
			}
			s.exclude = append(s.exclude, re)
		}
	}
	if kv := render.MapValue(doc, "kubeVersion"); kv != nil {
		if _, ok := NormalizeKubeVersion(kv.Value); !ok {
			return configError(s.File, kv.Line, fmt.Sprintf("kubeVersion %q: use a Kubernetes version such as 1.34", kv.Value))
		}
	}
	if ws := render.MapValue(doc, "workloads"); ws != nil {
		for i, w := range s.Workloads {
			line := ws.Line
			if i < len(ws.Content) {
				line = ws.Content[i].Line
			}
			group, _, _ := strings.Cut(w.APIVersion, "/")
			if !strings.Contains(w.APIVersion, "/") || w.Kind == "" || w.PodTemplate == "" {
				return configError(s.File, line, "a workload needs apiVersion (group/version), kind and podTemplate (such as spec.template)")
			}
			if err := RegisterWorkloadKind(group, w.Kind, w.PodTemplate); err != nil {
				return configError(s.File, line, err.Error())
			}
		}
	}
	if p := render.MapValue(render.MapValue(doc, "gitops"), "production"); p != nil && p.Value != "" {
		re, err := regexp.Compile(p.Value)
		if err != nil {
			return configError(s.File, p.Line, fmt.Sprintf("gitops.production %q is not a regular expression: %v", p.Value, err))
		}
		s.GitOps.production = re
	}
	if cs := render.MapValue(doc, "charts"); cs != nil && cs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cs.Content); i += 2 {
			k := cs.Content[i]
			if strings.HasPrefix(k.Value, "/") || strings.HasPrefix(k.Value, "../") {
				return configError(s.File, k.Line, fmt.Sprintf("chart %q: use the chart folder relative to the repository root", k.Value))
			}
		}
	}
	return nil
}

var kubeVersionRe = regexp.MustCompile(`^v?(1)\.(\d+)(?:\.(\d+))?$`)

// NormalizeKubeVersion turns 1.34, v1.34 or 1.34.2 into the semver Helm
// accepts (1.34.0, 1.34.2); ok is false for anything else. The command line
// and the configuration file share it.
func NormalizeKubeVersion(s string) (v string, ok bool) {
	m := kubeVersionRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	return m[1] + "." + m[2] + "." + patch, true
}

// ruleLevel parses a rule setting: off, on, note, warning or error. on
// keeps the default severity (sev is None then).
func ruleLevel(s string) (enabled bool, sev Severity, err error) {
	switch strings.ToLower(s) {
	case "off", "false", "disabled":
		return false, None, nil
	case "on", "true", "enabled":
		return true, None, nil
	}
	sev, err = ParseSeverity(s)
	if err != nil || sev == None {
		return false, None, fmt.Errorf("%q: use off, on, note, warning or error", s)
	}
	return true, sev, nil
}

// EnabledRules returns the rules to run: the default rules, minus those set
// to off, plus opt-in rules that are named, with severity overrides applied
// (on copies; the registry is never changed).
func (s *Settings) EnabledRules() []*Rule {
	var out []*Rule
	for _, r := range Rules() {
		enabled := !r.OptIn
		sev := None
		if v, ok := s.Rules[r.ID]; ok {
			enabled, sev, _ = ruleLevel(v)
		}
		if !enabled {
			continue
		}
		if sev != None && sev != r.Severity {
			c := *r
			c.Severity = sev
			r = &c
		}
		out = append(out, r)
	}
	return out
}

// Excluded reports whether a repository-relative path matches an exclude
// pattern.
func (s *Settings) Excluded(p string) bool {
	for _, re := range s.exclude {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// ChartNames lists the charts with settings, sorted.
func (s *Settings) ChartNames() []string {
	var names []string
	for n := range s.Charts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// globRegexp turns a path glob into a regexp: ** matches any number of
// folders, * and ? stay within one folder, a pattern without a slash matches
// the name at any depth, and a folder pattern matches everything below it.
func globRegexp(g string) (*regexp.Regexp, error) {
	if g == "" {
		return nil, errors.New("empty pattern")
	}
	g = strings.TrimPrefix(g, "./")
	anyDepth := !strings.Contains(strings.TrimSuffix(g, "/"), "/")
	g = strings.TrimSuffix(g, "/")
	var b strings.Builder
	if anyDepth {
		b.WriteString("(^|.*/)")
	} else {
		b.WriteString("^")
	}
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == '*' && i+1 < len(g) && g[i+1] == '*':
			i++
			if i+1 < len(g) && g[i+1] == '/' {
				i++
				b.WriteString("(.*/)?")
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[' || c == ']':
			return nil, errors.New("character classes are not supported; use * and **")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("(/.*)?$")
	return regexp.Compile(b.String())
}
