package domain

import "encoding/json"

// MarshalJSON writes a run with its request and response as JSON values
// (they are stored as the exact text exchanged with the model): a script
// reads .request.input or .response.facts without decoding a string. Text
// that is not JSON — a withheld body, a model's broken answer — stays a
// string.
func (r Run) MarshalJSON() ([]byte, error) {
	type plain Run // without this method
	out := struct {
		plain
		Request  json.RawMessage `json:"request"`
		Response json.RawMessage `json:"response,omitempty"`
	}{plain: plain(r), Request: jsonValue(r.Request)}
	if r.Response != nil {
		out.Response = jsonValue(*r.Response)
	}
	return json.Marshal(out)
}

// jsonValue is s itself when it is a JSON object or array, else s as a
// JSON string.
func jsonValue(s string) json.RawMessage {
	if json.Valid([]byte(s)) && len(s) > 0 && (s[0] == '{' || s[0] == '[') {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}
