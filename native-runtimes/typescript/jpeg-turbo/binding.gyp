{
  "targets": [
    {
      "target_name": "decode_jpeg",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["decode-jpeg.c"],
          "cflags": ["-O2", "-Wall"],
          "libraries": ["-ljpeg"]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
