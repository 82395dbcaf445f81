package main

import (
	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/helm"
	"github.com/prodlint/prodlint/render/kustomize"
)

// renderers returns the renderer of each target kind.
func renderers() map[render.Kind]render.Renderer {
	return map[render.Kind]render.Renderer{
		render.Plain:     render.PlainRenderer{},
		render.Kustomize: kustomize.Renderer{},
		render.Helm:      helm.Renderer{},
	}
}
