package report

import (
	"encoding/json"
	"io"

	"github.com/prodlint/prodlint/lint"
	"github.com/prodlint/prodlint/render"
)

// jsonReport is the stable JSON document prodlint writes.
type jsonReport struct {
	Version  string         `json:"version"`
	Summary  Summary        `json:"summary"`
	Targets  []jsonTarget   `json:"targets"`
	Findings []lint.Finding `json:"findings"`
	Errors   []jsonError    `json:"errors"`
	Notes    []string       `json:"notes"`
	// Fixed lists the base revision's findings the change fixed.
	Fixed []lint.Finding `json:"fixed,omitempty"`
}

type jsonTarget struct {
	Kind     render.Kind `json:"kind"`
	Dir      string      `json:"dir"`
	Variants []string    `json:"variants,omitempty"`
}

type jsonError struct {
	Target     string      `json:"target"`
	TargetKind render.Kind `json:"targetKind"`
	Variant    string      `json:"variant,omitempty"`
	File       string      `json:"file"`
	Line       int         `json:"line,omitempty"`
	Message    string      `json:"message"`
}

// JSON writes the result as one indented JSON document.
func JSON(w io.Writer, res *lint.Result, version string) error {
	r := jsonReport{
		Version:  version,
		Summary:  Summarize(res),
		Targets:  []jsonTarget{},
		Findings: res.Findings,
		Errors:   []jsonError{},
		Notes:    res.Notes,
		Fixed:    res.Fixed,
	}
	if r.Findings == nil {
		r.Findings = []lint.Finding{}
	}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	for _, t := range res.Targets {
		r.Targets = append(r.Targets, jsonTarget{Kind: t.Kind, Dir: t.Dir, Variants: t.Variants})
	}
	for _, e := range res.Errors {
		file, line := errorFile(e)
		r.Errors = append(r.Errors, jsonError{Target: e.Target.Dir, TargetKind: e.Target.Kind, Variant: e.Variant, File: file, Line: line, Message: e.Error()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
