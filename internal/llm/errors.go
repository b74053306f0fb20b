package llm

// OutputError is an answer that arrived but cannot be used as the agent's
// output: a refusal, empty content, or an answer cut off at the token limit.
// It is not a transport failure: the call succeeded and was billed, so the
// caller treats it like an output that failed validation (status
// invalid_output, one repair attempt) rather than retrying the transport.
type OutputError struct {
	Reason string
}

func (e *OutputError) Error() string { return "model output unusable: " + e.Reason }
