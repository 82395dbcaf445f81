package helm

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"text/template"

	"helm.sh/helm/v4/pkg/engine"
)

// Limits on the work one chart may ask for. Helm's engine cannot be stopped
// once a template runs (it ignores its context), so a template that asks for
// ten million loop iterations or a gigabyte string would run until the
// target's time budget is over, holding all the memory it built. prodlint
// replaces the Sprig functions that turn a small number into a huge amount
// of work with versions that refuse such numbers, with an error naming the
// template line, and it does not parse a template output over
// maxRenderedBytes. No real chart comes near these limits: Kubernetes
// itself refuses an object over about 1.5 MB.
const (
	// maxSequence bounds the list of until, untilStep and seq.
	maxSequence = 100_000
	// maxString bounds the string that repeat, indent and nindent return.
	maxString = 4 << 20
	// maxRenderedBytes bounds the output of one template that prodlint
	// parses as YAML.
	maxRenderedBytes = 8 << 20
	// maxChartFile bounds a file of a chart that is parsed (values files,
	// Chart.yaml, templates, CRDs, JSON schemas), on top of Helm's budget of
	// 100 MiB for the whole chart: parsing YAML costs seconds and gigabytes
	// per hundred megabytes.
	maxChartFile = 8 << 20
)

// maxYAMLTokens bounds the separators (commas, brackets, braces and line
// ends) of a YAML file or template output that prodlint parses: a cheap
// upper bound of its YAML nodes. Real manifests have 15 to 25 per
// kilobyte, so the limit admits about 10 MB of them; a flow sequence of
// one-character values has 500 per kilobyte and would take seconds and a
// gigabyte to parse well under the byte limits.
const maxYAMLTokens = 250_000

// yamlTokens counts the separators of s that maxYAMLTokens bounds.
func yamlTokens[T string | []byte](s T) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '[', '{', '\n':
			n++
		}
	}
	return n
}

// parsed reports whether a chart file (named relative to the chart) is one
// Helm or prodlint parses: YAML, JSON or a template. Other files (images,
// archives, data read with .Files) are only bounded by Helm's budget.
func parsed(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json", ".tpl":
		return true
	}
	return strings.HasPrefix(name, "templates/") || strings.Contains(name, "/templates/")
}

// newEngine returns the engine prodlint renders with: Helm's defaults (no
// cluster, so lookup returns an empty map; no DNS, so getHostByName returns
// "") plus the bounded functions.
func newEngine() engine.Engine {
	return engine.Engine{CustomTemplateFuncs: boundedFuncs}
}

// boundedFuncs are Sprig's functions of the same name with a limit.
var boundedFuncs = template.FuncMap{
	"until": func(count int) ([]int, error) {
		step := 1
		if count < 0 {
			step = -1
		}
		return untilStep("until", 0, count, step)
	},
	"untilStep": func(start, stop, step int) ([]int, error) {
		return untilStep("untilStep", start, stop, step)
	},
	"seq": seq,
	"repeat": func(count int, s string) (string, error) {
		if count > 0 && len(s) > 0 && count > maxString/len(s) {
			return "", tooLong("repeat", int64(count)*int64(len(s)))
		}
		return strings.Repeat(s, max(count, 0)), nil
	},
	"indent": func(spaces int, v string) (string, error) {
		return boundedIndent("indent", spaces, v)
	},
	"nindent": func(spaces int, v string) (string, error) {
		s, err := boundedIndent("nindent", spaces, v)
		return "\n" + s, err
	},
}

// untilStep is Sprig's untilStep with at most maxSequence items (and
// without its endless loop when a step overflows past the stop).
func untilStep(name string, start, stop, step int) ([]int, error) {
	v := []int{}
	var diff, s uint64
	switch {
	case stop < start && step < 0:
		diff, s = uint64(start)-uint64(stop), uint64(-(step+1))+1
	case stop > start && step > 0:
		diff, s = uint64(stop)-uint64(start), uint64(step)
	default:
		return v, nil
	}
	n := diff / s
	if diff%s != 0 {
		n++
	}
	if n > maxSequence {
		return nil, fmt.Errorf("%s would make a list of %d numbers; prodlint renders lists of at most %d", name, n, maxSequence)
	}
	for k := range int(n) {
		v = append(v, start+k*step)
	}
	return v, nil
}

// seq is Sprig's seq (like the Unix command) with at most maxSequence
// numbers; the arguments are worked out as Sprig does.
func seq(params ...int) (string, error) {
	var nums []int
	var err error
	switch len(params) {
	case 1:
		start, end, inc := 1, params[0], 1
		if end < start {
			inc = -1
		}
		nums, err = untilStep("seq", start, end+inc, inc)
	case 2:
		start, end, step := params[0], params[1], 1
		if end < start {
			step = -1
		}
		nums, err = untilStep("seq", start, end+step, step)
	case 3:
		start, step, end, inc := params[0], params[1], params[2], 1
		if end < start {
			inc = -1
			if step > 0 {
				return "", nil
			}
		}
		nums, err = untilStep("seq", start, end+inc, step)
	default:
		return "", nil
	}
	if err != nil {
		return "", err
	}
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " "), nil
}

// boundedIndent is Sprig's indent with a result of at most maxString bytes.
func boundedIndent(name string, spaces int, v string) (string, error) {
	spaces = max(spaces, 0)
	if n := int64(len(v)) + int64(strings.Count(v, "\n")+1)*int64(spaces); n > maxString {
		return "", tooLong(name, n)
	}
	pad := strings.Repeat(" ", spaces)
	return pad + strings.ReplaceAll(v, "\n", "\n"+pad), nil
}

func tooLong(name string, n int64) error {
	return fmt.Errorf("%s would make a string of %d bytes; prodlint renders strings of at most %d", name, n, maxString)
}
