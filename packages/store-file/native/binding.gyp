{
  "targets": [
    {
      "target_name": "codex_oauth_flock",
      "sources": ["flock.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "conditions": [
        ["OS=='win'", { "sources!": ["flock.c"] }]
      ]
    }
  ]
}
