plot-loss -o out.png
