// waitfor-check replays what the Kubernetes provider sees while it awaits an object that carries
// the pulumi.com/waitFor annotation, through the provider's own code: metadata.ReadyCondition
// (pkg/metadata/overrides.go) builds the condition the provider would await, seeded with the
// object the provider's patch returned; each later object is passed to its Observe (which, as in
// the provider, ignores an older generation: pkg/await/condition/observer.go) and Satisfied() is
// asked after each, as the provider's Awaiter does (pkg/await/internal/awaiter.go).
//
// stdin:  [{"name": "...", "seed": {<object>}, "events": [{<object>}, ...]}, ...]
// stdout: {"<name>": {"custom": true, "satisfiedAfter": N, "error": ""}, ...}
//
//	satisfiedAfter: how many events had been observed when Satisfied() first returned true
//	(0: the seed alone), or -1 if it never did.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/await/condition"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/logging"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/metadata"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
)

// Objects are decoded as the provider's client decodes them (integers as int64: metadata.generation
// and status.observedGeneration are read with unstructured.NestedInt64, which a float64 fails).
type replay struct {
	Name   string            `json:"name"`
	Seed   json.RawMessage   `json:"seed"`
	Events []json.RawMessage `json:"events"`
}

func object(raw json.RawMessage) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{}
	return obj, obj.UnmarshalJSON(raw)
}

type verdict struct {
	Custom         bool   `json:"custom"`
	SatisfiedAfter int    `json:"satisfiedAfter"`
	Error          string `json:"error,omitempty"`
}

func judge(ctx context.Context, r replay) verdict {
	seed, err := object(r.Seed)
	if err != nil {
		return verdict{SatisfiedAfter: -1, Error: "seed: " + err.Error()}
	}
	// Events are handed to Observe directly; the source is never read.
	source := condition.Static(make(chan watch.Event))
	ready, custom, err := metadata.ReadyCondition(ctx, source, nil, logging.NewLogger(ctx, nil, ""), seed, seed)
	if err != nil {
		return verdict{Custom: custom, SatisfiedAfter: -1, Error: err.Error()}
	}
	for i := 0; i <= len(r.Events); i++ {
		if i > 0 {
			event, err := object(r.Events[i-1])
			if err != nil {
				return verdict{Custom: custom, SatisfiedAfter: -1, Error: fmt.Sprintf("event %d: %v", i, err)}
			}
			if err := ready.Observe(watch.Event{Type: watch.Modified, Object: event}); err != nil {
				return verdict{Custom: custom, SatisfiedAfter: -1, Error: err.Error()}
			}
		}
		done, err := ready.Satisfied()
		if err != nil {
			return verdict{Custom: custom, SatisfiedAfter: -1, Error: err.Error()}
		}
		if done {
			return verdict{Custom: custom, SatisfiedAfter: i}
		}
	}
	return verdict{Custom: custom, SatisfiedAfter: -1}
}

func main() {
	var in []replay
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "waitfor-check: stdin is not a JSON array of {name, seed, events}:", err)
		os.Exit(2)
	}
	out := map[string]verdict{}
	for _, r := range in {
		out[r.Name] = judge(context.Background(), r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "waitfor-check:", err)
		os.Exit(1)
	}
}
