package helm

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
)

// schemaURL is the URL the chart's values.schema.json is compiled under, as
// in Helm; relative $refs resolve against it to other files of the chart.
const schemaURL = "file:///values.schema.json"

// validateSchemas checks the coalesced values of a processed chart against
// values.schema.json of the chart and of every enabled subchart, the way Helm
// does, without ever reading outside the chart or the network. valuesFiles
// names the values of the variant in messages.
func (l *loaded) validateSchemas(ch *chartv2.Chart, vals map[string]any, valuesFiles string) error {
	var errs []error
	l.walkSchemas(ch, vals, valuesFiles, &errs)
	return errors.Join(errs...)
}

func (l *loaded) walkSchemas(ch *chartv2.Chart, vals map[string]any, valuesFiles string, errs *[]error) {
	src := l.sourceOf(ch)
	if len(ch.Schema) > 0 {
		file := src.file("values.schema.json")
		if src.archive != "" {
			file = src.archive + ": " + ch.Name() + "/values.schema.json"
		}
		bad, err := validateValues(ch, vals)
		switch {
		case err != nil:
			*errs = append(*errs, fmt.Errorf("%s: %w", file, err))
		case len(bad) > 0:
			*errs = append(*errs, fmt.Errorf("%s: values (%s) do not match the schema: %s", file, valuesFiles, strings.Join(bad, "; ")))
		}
	}
	for _, sub := range ch.Dependencies() {
		raw, ok := vals[sub.Name()]
		if !ok || raw == nil {
			continue
		}
		sv, ok := raw.(map[string]any)
		if !ok {
			*errs = append(*errs, fmt.Errorf("%s: values for subchart %q must be a map, not %T", l.sourceOf(sub), sub.Name(), raw))
			continue
		}
		l.walkSchemas(sub, sv, valuesFiles, errs)
	}
}

// sourceOf returns the source of a chart of a processed copy of the tree.
// Copies share the file pointers of the loaded charts (Raw always holds
// Chart.yaml), which identifies them even when they are aliased.
func (l *loaded) sourceOf(ch *chartv2.Chart) source {
	if s, ok := l.charts[ch]; ok {
		return s
	}
	for _, fs := range [][]*common.File{ch.Raw, ch.Templates, ch.Files} {
		for _, f := range fs {
			if s, ok := l.files[f]; ok {
				return s
			}
		}
	}
	return l.root
}

// validateValues compiles the schema of ch with a loader that serves the
// chart's own files and refuses everything else, and validates vals. It
// returns the violations, or an error when the schema cannot be used.
func validateValues(ch *chartv2.Chart, vals map[string]any) (bad []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			bad, err = nil, fmt.Errorf("cannot validate values: %v", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ch.Schema))
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(chartLoader{ch})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		var le *jsonschema.LoadURLError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("cannot compile the schema: %w", le.Err)
		}
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	verr := sch.Validate(vals)
	if verr == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(verr, &ve) {
		return nil, fmt.Errorf("cannot validate values: %w", verr)
	}
	return violations(ve), nil
}

// violations flattens a validation error tree into its leaves, formatted as
// Helm prints them: "- at '/replicas': minimum: got -1, want 0".
func violations(e *jsonschema.ValidationError) []string {
	if len(e.Causes) == 0 {
		return []string{"- " + e.Error()}
	}
	var out []string
	for _, c := range e.Causes {
		out = append(out, violations(c)...)
	}
	return out
}

// chartLoader resolves $refs of a chart's schema. It serves files of the
// chart (file:///x.json is the chart's x.json, as a relative $ref from
// values.schema.json resolves there), answers Helm's permissive schema for
// urn: references, and refuses http(s) and every other URL, so that
// validation never touches the network or the rest of the disk.
type chartLoader struct{ ch *chartv2.Chart }

// Load implements jsonschema.URLLoader.
func (l chartLoader) Load(u string) (any, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	switch pu.Scheme {
	case "file":
		name := strings.TrimPrefix(path.Clean(pu.Path), "/")
		for _, f := range l.ch.Raw {
			if f.Name == name {
				return jsonschema.UnmarshalJSON(bytes.NewReader(f.Data))
			}
		}
		return nil, fmt.Errorf("%s is not a file of chart %s (only files inside the chart are read)", name, l.ch.Name())
	case "urn":
		return true, nil
	case "http", "https":
		return nil, fmt.Errorf("remote $ref %s refused: prodlint does not use the network; vendor the schema into the chart", u)
	}
	return nil, fmt.Errorf("$ref %s refused: only files inside the chart are read", u)
}
