// Package config is opus's configuration: one typed struct, its defaults in
// one place (Default), and its layers resolved once — flags over OPUS_*
// environment variables over the config file over defaults. Unknown keys
// in the file are errors that name the key, the file and the line, so a
// typo ("modl:") is never silently ignored.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Config is every setting opus reads. The mapstructure tags are the keys
// of the config file and, upper-cased with "." as "_", of the OPUS_*
// environment variables (openai.timeout: OPUS_OPENAI_TIMEOUT).
type Config struct {
	DB           string  `mapstructure:"db"`
	Profile      string  `mapstructure:"profile"`
	Provider     string  `mapstructure:"provider"`
	Model        string  `mapstructure:"model"`
	Models       Models  `mapstructure:"models"`
	Temperature  float64 `mapstructure:"temperature"`
	RepairRounds int     `mapstructure:"repair_rounds"`
	// VerbatimWords: a sentence sharing a run of this many words with a
	// quote it cites is marked verbatim (it needs quotation marks).
	VerbatimWords int `mapstructure:"verbatim_words"`
	// Citations is the citation style of exports whose spec or manuscript
	// names none: numeric, author-year or none.
	Citations string `mapstructure:"citations"`
	Cassette  string `mapstructure:"cassette"`
	Limits    Limits `mapstructure:"limits"`
	Jobs      Jobs   `mapstructure:"jobs"`
	OpenAI    OpenAI `mapstructure:"openai"`
	Prices    Prices `mapstructure:"prices"`
}

// Models are per-agent models; Config.Model is the fallback.
type Models struct {
	Librarian string `mapstructure:"librarian"`
	Writer    string `mapstructure:"writer"`
	Verifier  string `mapstructure:"verifier"`
}

// Limits bound what a document may be.
type Limits struct {
	UploadMB float64 `mapstructure:"upload_mb"`
	Pages    int     `mapstructure:"pages"`
}

// Jobs tunes the job engine.
type Jobs struct {
	MaxAttempts int           `mapstructure:"max_attempts"`
	Workers     int           `mapstructure:"workers"`
	Backoff     time.Duration `mapstructure:"backoff"`
	// Timeout bounds one attempt of a job.
	Timeout time.Duration `mapstructure:"timeout"`
}

// OpenAI configures the OpenAI-compatible provider.
type OpenAI struct {
	APIKey         string        `mapstructure:"api_key"`
	BaseURL        string        `mapstructure:"base_url"`
	Timeout        time.Duration `mapstructure:"timeout"`
	MaxRetries     int           `mapstructure:"max_retries"`
	MaxRetryDelay  time.Duration `mapstructure:"max_retry_delay"`
	MaxConcurrency int           `mapstructure:"max_concurrency"`
	JSONObjectOnly bool          `mapstructure:"json_object_only"`
}

// Prices is the price table of model calls, USD per million tokens.
type Prices struct {
	Version string           `mapstructure:"version"`
	Models  map[string]Price `mapstructure:"models"`
}

// Price is one model's price.
type Price struct {
	Input       float64 `mapstructure:"input"`
	CachedInput float64 `mapstructure:"cached_input"`
	Output      float64 `mapstructure:"output"`
}

// DefaultOpenAIModel is the model the openai provider uses against the
// OpenAI endpoint when none is configured: small, cheap and good at
// following a JSON schema. Other servers (Ollama, vLLM) name their own
// models, so they need one set.
const DefaultOpenAIModel = "gpt-4.1-mini"

// Default is every setting's default, the one place they are written
// (operational-plan.md). Packages below the CLI fall back to these when
// a caller leaves a field at zero.
func Default() Config {
	return Config{
		Profile:       "default",
		RepairRounds:  2,
		VerbatimWords: 8,
		Citations:     "author-year",
		Limits:        Limits{UploadMB: 50, Pages: 2000},
		Jobs:          Jobs{MaxAttempts: 3, Workers: 2, Backoff: time.Second, Timeout: 30 * time.Minute},
		OpenAI: OpenAI{
			BaseURL: "https://api.openai.com/v1", Timeout: 120 * time.Second, MaxRetries: 3, MaxConcurrency: 8,
		},
	}
}

// Source says where a setting's value came from.
type Source string

const (
	FromDefault Source = "default"
	FromFile    Source = "file"
	FromEnv     Source = "env"
	FromFlag    Source = "flag"
)

// Loaded is a resolved configuration with the file it read.
type Loaded struct {
	Config
	// File is the config file consulted ("" when there is no home to find
	// one in); Exists says whether it was there.
	File   string
	Exists bool

	v     *viper.Viper
	flags map[string]string
}

// vkey is a setting's name as the viper instance knows it: its key
// delimiter is "::", because model names in the price table hold dots
// ("gpt-4.1-mini") that viper would otherwise split into levels.
func vkey(name string) string { return strings.ReplaceAll(name, ".", "::") }

// Error is a configuration problem: it names the key and where it is.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// Load resolves the configuration: file (the given path, else
// $OPUS_CONFIG, else $XDG_CONFIG_HOME/opus/config.yaml), then OPUS_*
// environment variables, then flags (key → value, from flags the user
// set). A given path that does not exist is an error; the default path may
// be missing.
func Load(path string, flags map[string]string) (*Loaded, error) {
	explicit := path != ""
	if path == "" {
		path = os.Getenv("OPUS_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = DefaultPath()
	}
	l := &Loaded{File: path, v: viper.NewWithOptions(viper.KeyDelimiter("::")), flags: flags}
	v := l.v
	v.SetEnvPrefix("OPUS")
	v.SetEnvKeyReplacer(strings.NewReplacer("::", "_"))
	v.AutomaticEnv()
	for _, k := range Keys() {
		v.SetDefault(vkey(k.Name), k.get(Default()))
	}
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			l.Exists = true
			if err := checkKeys(path, data); err != nil {
				return nil, err
			}
			v.SetConfigType("yaml")
			if err := v.MergeConfig(strings.NewReader(string(data))); err != nil {
				return nil, &Error{fmt.Sprintf("config file %s: %v", path, oneLine(err))}
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, &Error{fmt.Sprintf("config file %s: cannot read: %v", path, err)}
		case explicit:
			return nil, &Error{fmt.Sprintf("config file %s does not exist (create it with 'opus config set KEY VALUE --config %s')", path, path)}
		}
	}
	for k, val := range flags {
		v.Set(vkey(k), val)
	}
	if err := l.decode(); err != nil {
		return nil, err
	}
	return l, nil
}

// decode fills l.Config from its layers, strictly: a value of the wrong
// type names its key and where it came from.
func (l *Loaded) decode() error {
	var c Config
	err := l.v.UnmarshalExact(&c, func(dc *mapstructure.DecoderConfig) {
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(","))
		dc.WeaklyTypedInput = true
	})
	if err != nil {
		return &Error{l.describe(err)}
	}
	l.Config = c
	return l.validate()
}

// describe turns a decoding error into one line naming the key and its
// source.
func (l *Loaded) describe(err error) string {
	msg := strings.ReplaceAll(oneLine(err), "::", ".")
	for _, k := range Keys() {
		if strings.Contains(msg, "'"+k.Name+"'") {
			return fmt.Sprintf("setting %s (from %s): %s", k.Name, l.where(k.Name), strings.TrimPrefix(msg, "decoding failed due to the following error(s): "))
		}
	}
	return "configuration: " + msg
}

// where says where a key's value came from, for messages.
func (l *Loaded) where(key string) string {
	switch l.Source(key) {
	case FromFlag:
		return "a flag"
	case FromEnv:
		return envName(key)
	case FromFile:
		return l.File
	}
	return "the defaults"
}

// validate checks values that decode but make no sense.
func (l *Loaded) validate() error {
	c := l.Config
	bad := func(key, why string) error {
		return &Error{fmt.Sprintf("setting %s (from %s): %s", key, l.where(key), why)}
	}
	switch {
	case c.Limits.UploadMB <= 0:
		return bad("limits.upload_mb", "must be positive")
	case c.Limits.Pages <= 0:
		return bad("limits.pages", "must be positive")
	case c.Jobs.MaxAttempts <= 0:
		return bad("jobs.max_attempts", "must be at least 1")
	case c.Jobs.Workers <= 0:
		return bad("jobs.workers", "must be at least 1")
	case c.Jobs.Backoff <= 0:
		return bad("jobs.backoff", "must be positive, e.g. 1s")
	case c.Jobs.Timeout <= 0:
		return bad("jobs.timeout", "must be positive, e.g. 30m")
	case c.OpenAI.Timeout <= 0:
		return bad("openai.timeout", "must be positive, e.g. 120s")
	case c.RepairRounds < 0:
		return bad("repair_rounds", "must not be negative")
	case c.VerbatimWords < 2:
		return bad("verbatim_words", "must be at least 2")
	case c.Citations != "numeric" && c.Citations != "author-year" && c.Citations != "none":
		return bad("citations", "must be numeric, author-year or none")
	case c.OpenAI.MaxRetries < 0:
		return bad("openai.max_retries", "must not be negative (0 = none)")
	case c.OpenAI.MaxConcurrency <= 0:
		return bad("openai.max_concurrency", "must be at least 1")
	case c.Temperature < 0 || c.Temperature > 2:
		return bad("temperature", "must be between 0 and 2")
	}
	return nil
}

// Source says where key's value comes from.
func (l *Loaded) Source(key string) Source {
	if _, ok := l.flags[key]; ok {
		return FromFlag
	}
	if os.Getenv(envName(key)) != "" {
		return FromEnv
	}
	if l.Exists && l.v.InConfig(vkey(key)) {
		return FromFile
	}
	return FromDefault
}

// envName is the environment variable of a key.
func envName(key string) string {
	return "OPUS_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// DefaultPath is $XDG_CONFIG_HOME/opus/config.yaml (~/.config when unset),
// or "" when there is no home directory.
func DefaultPath() string {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "opus", "config.yaml")
}

// Key is one setting of Config, by its dotted name.
type Key struct {
	Name string
	Kind reflect.Kind
	// Secret values are never printed.
	Secret bool
	path   []int
}

func (k Key) get(c Config) any {
	v := reflect.ValueOf(c).FieldByIndex(k.path)
	if d, ok := v.Interface().(time.Duration); ok {
		return d.String()
	}
	return v.Interface()
}

// Format returns c's value of the key as text ("" for unset strings).
func (k Key) Format(c Config) string {
	v := k.get(c)
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// Keys lists every scalar setting, in the order of Config. prices.models
// is a table (prices.models.MODEL.input …), handled by IsKey.
func Keys() []Key { return keys() }

// keys walks Config once; every lookup after that reads the list.
var keys = sync.OnceValue(func() []Key {
	var out []Key
	var walk func(t reflect.Type, prefix string, path []int)
	walk = func(t reflect.Type, prefix string, path []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := prefix + f.Tag.Get("mapstructure")
			p := append(slices.Clone(path), i)
			switch {
			case f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)):
				walk(f.Type, name+".", p)
			case f.Type.Kind() == reflect.Map:
			default:
				out = append(out, Key{Name: name, Kind: f.Type.Kind(), Secret: name == "openai.api_key", path: p})
			}
		}
	}
	walk(reflect.TypeOf(Config{}), "", nil)
	return out
})

// priceFields are the keys of one model's price.
var priceFields = []string{"input", "cached_input", "output"}

// IsKey reports whether name is a setting, and suggests the nearest one
// when it is not.
func IsKey(name string) (ok bool, suggestion string) {
	if model, field, ok := priceKey(name); ok {
		if slices.Contains(priceFields, field) {
			return true, ""
		}
		return false, "prices.models." + model + "." + nearest(field, priceFields)
	}
	var names []string
	for _, k := range Keys() {
		if k.Name == name {
			return true, ""
		}
		names = append(names, k.Name)
	}
	return false, nearest(name, names)
}

// priceKey splits "prices.models.MODEL.FIELD"; MODEL may hold dots.
func priceKey(name string) (model, field string, ok bool) {
	rest, found := strings.CutPrefix(name, "prices.models.")
	i := strings.LastIndexByte(rest, '.')
	if !found || i <= 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// checkKeys refuses a config file with a key opus does not know, naming
// the key, the file and the line, with the nearest known key.
func checkKeys(path string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &Error{fmt.Sprintf("config file %s is not valid YAML: %s", path, oneLine(err))}
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return &Error{fmt.Sprintf("config file %s: line %d: expected keys and values (key: value)", path, root.Line)}
	}
	var check func(n *yaml.Node, prefix string) error
	check = func(n *yaml.Node, prefix string) error {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			name := prefix + k.Value
			model := prefix == "prices.models." // every key there is a model name
			if val.Kind == yaml.MappingNode && (isSection(name) || model) {
				if err := check(val, name+"."); err != nil {
					return err
				}
				continue
			}
			if ok, near := IsKey(name); !ok {
				hint := ""
				if near != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", near)
				}
				return &Error{fmt.Sprintf("config file %s: line %d: unknown key %q%s; 'opus config list' shows every key", path, k.Line, name, hint)}
			}
		}
		return nil
	}
	return check(root, "")
}

// isSection reports whether name is a group of keys (models, openai, …).
func isSection(name string) bool {
	if name == "prices.models" {
		return true
	}
	for _, k := range Keys() {
		if strings.HasPrefix(k.Name, name+".") {
			return true
		}
	}
	return false
}

// nearest returns the candidate closest to s by edit distance, if it is
// close enough to be a likely typo.
func nearest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Damerau–Levenshtein (optimal string alignment) distance:
// a swap of two letters ("librarain") counts as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Get returns the effective value of key as text.
func (l *Loaded) Get(key string) (string, error) {
	ok, near := IsKey(key)
	if !ok {
		return "", unknownKey(key, near)
	}
	for _, k := range Keys() {
		if k.Name == key {
			return k.Format(l.Config), nil
		}
	}
	model, field, _ := priceKey(key)
	p, found := l.Prices.Models[strings.ToLower(model)]
	if !found {
		return "", nil
	}
	switch field {
	case "input":
		return strconv.FormatFloat(p.Input, 'f', -1, 64), nil
	case "cached_input":
		return strconv.FormatFloat(p.CachedInput, 'f', -1, 64), nil
	}
	return strconv.FormatFloat(p.Output, 'f', -1, 64), nil
}

func unknownKey(key, near string) error {
	hint := ""
	if near != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", near)
	}
	return &Error{fmt.Sprintf("unknown key %q%s; 'opus config list' shows every key", key, hint)}
}

// Set writes key: value into the config file (created when missing),
// keeping its other keys and comments, after checking that the result
// loads: an unknown key or a value of the wrong type changes nothing.
func (l *Loaded) Set(key, value string) error {
	if l.File == "" {
		return &Error{"no config file: set XDG_CONFIG_HOME or HOME, or pass --config FILE"}
	}
	if ok, near := IsKey(key); !ok {
		return unknownKey(key, near)
	}
	var doc yaml.Node
	if l.Exists {
		data, err := os.ReadFile(l.File)
		if err != nil {
			return &Error{fmt.Sprintf("config file %s: cannot read: %v", l.File, err)}
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return &Error{fmt.Sprintf("config file %s is not valid YAML: %s", l.File, oneLine(err))}
		}
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	path := strings.Split(key, ".")
	if model, field, ok := priceKey(key); ok {
		path = []string{"prices", "models", model, field}
	}
	setNode(doc.Content[0], path, value)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return &Error{fmt.Sprintf("config file %s: %v", l.File, err)}
	}
	// Check the new file as a whole before writing it.
	tmp, err := os.CreateTemp(filepath.Dir(l.File), ".config-*.yaml")
	if err != nil {
		if err := os.MkdirAll(filepath.Dir(l.File), 0o700); err != nil {
			return &Error{fmt.Sprintf("cannot create %s: %v", filepath.Dir(l.File), err)}
		}
		if tmp, err = os.CreateTemp(filepath.Dir(l.File), ".config-*.yaml"); err != nil {
			return &Error{fmt.Sprintf("cannot write in %s: %v", filepath.Dir(l.File), err)}
		}
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return &Error{fmt.Sprintf("cannot write %s: %v", tmp.Name(), err)}
	}
	if err := tmp.Close(); err != nil {
		return &Error{fmt.Sprintf("cannot write %s: %v", tmp.Name(), err)}
	}
	if _, err := Load(tmp.Name(), nil); err != nil {
		msg := strings.ReplaceAll(err.Error(), tmp.Name(), l.File)
		return &Error{fmt.Sprintf("%s; nothing was changed", msg)}
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return &Error{fmt.Sprintf("cannot write %s: %v", l.File, err)}
	}
	if err := os.Rename(tmp.Name(), l.File); err != nil {
		return &Error{fmt.Sprintf("cannot write %s: %v", l.File, err)}
	}
	return nil
}

// setNode sets the scalar at path under the mapping m, creating mappings
// on the way.
func setNode(m *yaml.Node, path []string, value string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != path[0] {
			continue
		}
		if len(path) == 1 {
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: value}
			return
		}
		if m.Content[i+1].Kind != yaml.MappingNode {
			m.Content[i+1] = &yaml.Node{Kind: yaml.MappingNode}
		}
		setNode(m.Content[i+1], path[1:], value)
		return
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Value: path[0]}
	if len(path) == 1 {
		m.Content = append(m.Content, k, &yaml.Node{Kind: yaml.ScalarNode, Value: value})
		return
	}
	child := &yaml.Node{Kind: yaml.MappingNode}
	m.Content = append(m.Content, k, child)
	setNode(child, path[1:], value)
}

// Setting is one line of 'config list'.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// List returns every setting with its effective value and source; secrets
// are shown as "(set)" and price rows follow the scalar keys.
func (l *Loaded) List() []Setting {
	var out []Setting
	for _, k := range Keys() {
		val := k.Format(l.Config)
		if k.Secret && val != "" {
			val = "(set)"
		}
		out = append(out, Setting{Key: k.Name, Value: val, Source: l.Source(k.Name)})
	}
	models := make([]string, 0, len(l.Prices.Models))
	for m := range l.Prices.Models {
		models = append(models, m)
	}
	sort.Strings(models)
	for _, m := range models {
		for _, f := range priceFields {
			key := "prices.models." + m + "." + f
			val, _ := l.Get(key)
			out = append(out, Setting{Key: key, Value: val, Source: FromFile})
		}
	}
	return out
}
