# the analyzer at work: folding, possessives, U.S., hyphens, stopword positions, CJK bigrams
"$NG" tokens "Café Straße naïve NAÏVE"
echo --
"$NG" tokens "The U.S. and the US; China's summit; don't"
echo --
"$NG" tokens "Treaty of Permanent Good-Neighborliness, Friendship and Cooperation"
echo --
"$NG" tokens "北京大学 and 日本銀行 3.5 2025 133"
echo --
"$NG" tokens "Le café, naïve"
