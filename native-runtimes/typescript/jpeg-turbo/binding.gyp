{
  "targets": [
    {
      "target_name": "decode_jpeg",
      "sources": ["decode-jpeg.c"],
      "cflags": ["-O2", "-Wall"],
      "libraries": ["-ljpeg"]
    }
  ]
}
