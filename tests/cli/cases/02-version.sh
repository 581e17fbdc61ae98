# --version names the command's and the library's versions (they must agree)
"$NG" --version
"$NG" -V
