"""Static analysis: chunked libcst parsing, a model of the Keras program, data provenance."""
