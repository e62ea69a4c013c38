// Reference single-spin Metropolis annealer with D-Wave SA's arithmetic, written for QuantumPlanner's benchmarks:
// double energy deltas kept per variable and updated incrementally, exp() on every uphill move (moves whose
// exp(-beta*dE) is below 2^-64 are skipped without a draw), xorshift128+ random numbers, a geometric beta schedule
// over the default range (hot: largest flip accepted with 1/2; cold: smallest nonzero flip with 1%), sequential
// sweeps, one thread. Usage: metropolis G1.txt [sweeps=1000] [reads=100] [seed=1]
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <vector>

namespace {

struct XorShift128Plus {
    uint64_t a, b;
    explicit XorShift128Plus(uint64_t seed) {
        // splitmix64 seeding so nearby seeds give unrelated streams
        a = splitmix(seed);
        b = splitmix(seed);
    }
    static uint64_t splitmix(uint64_t& x) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    uint64_t next() {
        uint64_t x = a;
        const uint64_t y = b;
        a = y;
        x ^= x << 23;
        b = x ^ y ^ (x >> 17) ^ (y >> 26);
        return b + y;
    }
};

struct Ising {
    int n = 0;
    std::vector<double> h;
    std::vector<int> rowStart, nbr;
    std::vector<double> w;
    double offset = 0;
    double totalWeight = 0;
};

Ising readGset(const char* path) {
    std::ifstream in(path);
    if (!in) { std::fprintf(stderr, "cannot open %s\n", path); std::exit(2); }
    int n, m;
    in >> n >> m;
    std::vector<int> u(m), v(m);
    std::vector<double> wt(m);
    std::vector<int> degree(n, 0);
    Ising g;
    for (int e = 0; e < m; e++) {
        in >> u[e] >> v[e] >> wt[e];
        u[e]--; v[e]--;
        degree[u[e]]++; degree[v[e]]++;
        g.totalWeight += wt[e];
    }
    g.n = n;
    g.h.assign(n, 0.0);
    g.rowStart.assign(n + 1, 0);
    for (int i = 0; i < n; i++) g.rowStart[i + 1] = g.rowStart[i] + degree[i];
    g.nbr.resize(2 * m);
    g.w.resize(2 * m);
    std::vector<int> fill(g.rowStart.begin(), g.rowStart.end() - 1);
    // cut = sum w (1 - s_i s_j) / 2, so energy = -cut = sum (w/2) s_i s_j - sum w/2
    for (int e = 0; e < m; e++) {
        g.nbr[fill[u[e]]] = v[e]; g.w[fill[u[e]]++] = wt[e] / 2;
        g.nbr[fill[v[e]]] = u[e]; g.w[fill[v[e]]++] = wt[e] / 2;
    }
    g.offset = -g.totalWeight / 2;
    return g;
}

void defaultBetaRange(const Ising& g, double& hot, double& cold) {
    double maxField = 0, minBias = std::numeric_limits<double>::infinity();
    int minCount = 0;
    for (int i = 0; i < g.n; i++) {
        double sum = std::fabs(g.h[i]);
        double smallest = g.h[i] != 0 ? std::fabs(g.h[i]) : std::numeric_limits<double>::infinity();
        for (int k = g.rowStart[i]; k < g.rowStart[i + 1]; k++) {
            sum += std::fabs(g.w[k]);
            if (g.w[k] != 0) smallest = std::fmin(smallest, std::fabs(g.w[k]));
        }
        maxField = std::fmax(maxField, sum);
        if (smallest < minBias) { minBias = smallest; minCount = 1; }
        else if (smallest == minBias && std::isfinite(smallest)) minCount++;
    }
    hot = std::log(2.0) / (2 * maxField);
    cold = std::log(minCount / 0.01) / (2 * minBias);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) { std::fprintf(stderr, "usage: %s GSET_FILE [sweeps] [reads] [seed]\n", argv[0]); return 2; }
    const Ising g = readGset(argv[1]);
    const int sweeps = argc > 2 ? std::atoi(argv[2]) : 1000;
    const int reads = argc > 3 ? std::atoi(argv[3]) : 100;
    const uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1;
    double hot, cold;
    defaultBetaRange(g, hot, cold);
    std::vector<double> betas(sweeps);
    for (int t = 0; t < sweeps; t++)
        betas[t] = sweeps == 1 ? cold : hot * std::pow(cold / hot, double(t) / (sweeps - 1));

    XorShift128Plus rng(seed);
    std::vector<signed char> s(g.n);
    std::vector<double> delta(g.n);
    const double randMax = 18446744073709551615.0;
    double cutSum = 0, bestCut = -1e300;
    long long attempts = 0;
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < reads; r++) {
        for (int i = 0; i < g.n; i++) s[i] = (rng.next() >> 32) & 1 ? 1 : -1;
        for (int i = 0; i < g.n; i++) {
            double f = g.h[i];
            for (int k = g.rowStart[i]; k < g.rowStart[i + 1]; k++) f += g.w[k] * s[g.nbr[k]];
            delta[i] = -2.0 * s[i] * f;  // energy change if s_i flips
        }
        for (int t = 0; t < sweeps; t++) {
            const double beta = betas[t];
            const double threshold = 44.36142 / beta;
            for (int i = 0; i < g.n; i++) {
                const double d = delta[i];
                bool flip = d <= 0.0;
                if (!flip && d < threshold) flip = std::exp(-d * beta) * randMax > double(rng.next());
                if (!flip) continue;
                const double si = s[i];
                s[i] = -s[i];
                delta[i] = -d;
                // each neighbour's delta changes by 4 J s_i(old) s_j
                for (int k = g.rowStart[i]; k < g.rowStart[i + 1]; k++) {
                    const int j = g.nbr[k];
                    delta[j] += 4.0 * g.w[k] * si * s[j];
                }
            }
        }
        attempts += (long long)sweeps * g.n;
        double energy = g.offset;
        for (int i = 0; i < g.n; i++) {
            double half = g.h[i];
            for (int k = g.rowStart[i]; k < g.rowStart[i + 1]; k++) half += g.w[k] * s[g.nbr[k]] / 2;
            energy += s[i] * half;
        }
        cutSum += -energy;
        bestCut = std::fmax(bestCut, -energy);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("reference %s sweeps %d reads %d flips/s %.3e time %.3fs mean %.1f best %.0f beta [%.5f, %.4f]\n",
                argv[1], sweeps, reads, attempts / seconds, seconds, cutSum / reads, bestCut, hot, cold);
    return 0;
}
