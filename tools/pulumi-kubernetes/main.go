// pulumi-resource-kubernetes, built from the provider module. Upstream's cmd/pulumi-resource-kubernetes
// go:embeds schema-embed.json and terraform-mapping-embed.json, which `go generate` writes and the
// module zip lacks; prepare() in tool.env generates them here, and this main serves them.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
