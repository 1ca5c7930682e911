/* Sums an array bigger than a few pages, then walks it with a 4 KiB stride. */
static int a[4096];
int main(void) {
    long s = 0;
    for (int i = 0; i < 4096; i++) a[i] = i;
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 4096; i += 1024) s += a[i];
    return (int)(s & 1);
}
